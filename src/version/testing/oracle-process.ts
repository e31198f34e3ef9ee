import { execFileSync } from 'node:child_process';

/** Debian's python3 (has python3-apt, python3-packaging), not a pyenv one that may be first on PATH. */
export const DEBIAN_PYTHON = '/usr/bin/python3';

/** Runs one oracle process over all pairs as JSON on stdin; returns its JSON list of -1/0/1. */
export function jsonPairOracle(
  cmd: string,
  args: readonly string[],
  pairs: readonly (readonly [string, string])[],
): number[] {
  const out = execFileSync(cmd, args, { input: JSON.stringify(pairs), maxBuffer: 1 << 28, encoding: 'utf8' });
  return JSON.parse(out) as number[];
}

/** Runs one oracle process over "A<TAB>B" lines; returns one -1/0/1 per line. */
export function linePairOracle(
  cmd: string,
  args: readonly string[],
  pairs: readonly (readonly [string, string])[],
): number[] {
  const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');
  const out = execFileSync(cmd, args, { input, maxBuffer: 1 << 28, encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => Number(l.trim()));
}

export interface Disagreement {
  readonly a: string;
  readonly b: string;
  readonly ours: number;
  readonly oracle: number;
}

/** Compares our signs with the oracle's; returns the pairs where they differ. */
export function disagreements(
  pairs: readonly (readonly [string, string])[],
  oracle: readonly number[],
  compare: (a: string, b: string) => number,
): Disagreement[] {
  if (oracle.length !== pairs.length)
    throw new Error(`oracle answered ${oracle.length} of ${pairs.length} pairs`);
  const out: Disagreement[] = [];
  pairs.forEach(([a, b], i) => {
    const ours = Math.sign(compare(a, b));
    const theirs = Math.sign(oracle[i] ?? NaN);
    if (ours !== theirs) out.push({ a, b, ours, oracle: theirs });
  });
  return out;
}

import { execFileSync } from 'node:child_process';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';

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

/** An oracle's answer for one pair: the sign of the comparison, or a word such as "invalid". */
export type OracleAnswer = number | string;

/** Runs one oracle process over "A<TAB>B" lines; returns one answer per line. */
export function linePairOracle(
  cmd: string,
  args: readonly string[],
  pairs: readonly (readonly [string, string])[],
  env: Readonly<Record<string, string>> = {},
): OracleAnswer[] {
  const input = pairs.map(([a, b]) => `${a}\t${b}\n`).join('');
  const out = execFileSync(cmd, args, {
    input,
    maxBuffer: 1 << 28,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => (/^-?[0-9]+$/.test(l.trim()) ? Number(l.trim()) : l.trim()));
}

export interface Disagreement {
  readonly a: string;
  readonly b: string;
  readonly ours: number | 'invalid';
  readonly oracle: number | 'invalid';
}

function ourAnswer(compare: (a: string, b: string) => number, a: string, b: string): number | 'invalid' {
  try {
    return Math.sign(compare(a, b));
  } catch (err) {
    if (err instanceof VersionInvalidError) return 'invalid';
    throw err;
  }
}

/**
 * Compares our signs with the oracle's; returns the pairs where they differ. A pair we reject agrees
 * only with an oracle that rejects it too (any non-numeric answer).
 */
export function disagreements(
  pairs: readonly (readonly [string, string])[],
  oracle: readonly (OracleAnswer | null)[],
  compare: (a: string, b: string) => number,
): Disagreement[] {
  if (oracle.length !== pairs.length)
    throw new Error(`oracle answered ${oracle.length} of ${pairs.length} pairs`);
  const out: Disagreement[] = [];
  pairs.forEach(([a, b], i) => {
    const ours = ourAnswer(compare, a, b);
    const answer = oracle[i];
    const theirs = typeof answer === 'number' ? Math.sign(answer) : 'invalid';
    if (ours !== theirs) out.push({ a, b, ours, oracle: theirs });
  });
  return out;
}

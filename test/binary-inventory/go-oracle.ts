import { execFileSync } from 'node:child_process';
import { requireTool } from '../fixtures/required-tool.js';

/** One binary as `go version -m` (the Go toolchain itself) reports it. */
export interface GoVersionM {
  goVersion: string;
  path?: string;
  main?: { path: string; version: string };
  deps: { path: string; version: string; replace?: { path: string; version: string } }[];
}

/** Runs Debian's `go version -m` on a binary and parses its tab-separated lines. */
export function goVersionM(binary: string): GoVersionM {
  requireTool('go');
  const out = execFileSync('go', ['version', '-m', binary], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const [first = '', ...lines] = out.split('\n');
  const result: GoVersionM = { goVersion: first.slice(first.indexOf(': ') + 2).trim(), deps: [] };
  let last: GoVersionM['deps'][number] | undefined;
  for (const line of lines) {
    const [, kind, p = '', v = ''] = line.split('\t');
    if (kind === 'path') result.path = p;
    if (kind === 'mod') result.main = { path: p, version: v };
    if (kind === 'dep') result.deps.push((last = { path: p, version: v }));
    if (kind === '=>' && last) last.replace = { path: p, version: v };
  }
  return result;
}

/** Go binaries in a directory, as `go version -m DIR` finds them (it skips what it cannot read). */
export function goBinariesIn(dir: string): string[] {
  requireTool('go');
  let out = '';
  try {
    out = execFileSync('go', ['version', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
  } catch {
    return [];
  }
  return out
    .split('\n')
    .filter((l) => /: go\S/.test(l))
    .map((l) => l.slice(0, l.indexOf(': ')));
}

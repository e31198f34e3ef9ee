import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { aptListSuites } from '../testing/debian-versions.js';
import { disagreements } from '../testing/oracle-process.js';
import { sharedData } from '../../../test/fixtures/shared-data.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareRpmVersions, rpmVersionScheme } from './rpm-version.js';

type Pair = readonly [string, string];
const LUA = join(import.meta.dirname, 'testdata/rpm-vercmp.lua');

/** One `rpm --eval` process runs the Lua loop over every pair. */
function rpmOracle(pairs: readonly Pair[], dir: string): number[] {
  const file = join(dir, 'pairs.tsv');
  writeFileSync(file, pairs.map(([a, b]) => `${a}\t${b}\n`).join(''));
  const out = execFileSync('rpm', ['--define', `pairs ${file}`, '--eval', `%{lua: dofile("${LUA}")}`], {
    maxBuffer: 1 << 26,
    encoding: 'utf8',
  });
  // The macro's own (empty) expansion ends the output; only the Lua loop's lines are answers.
  return out
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map(Number);
}

/** EVRs of a real CBL-Mariner 2.0 rpmdb, read by rpm itself from a writable copy. */
function marinerEvrs(dir: string): string[] {
  const db = join(dir, 'mariner');
  cpSync(sharedData('rpmdb/cbl-mariner-2.0'), db, { recursive: true });
  const out = execFileSync(
    'rpm',
    ['--dbpath', db, '-qa', '--qf', '%|EPOCH?{%{EPOCH}:}|%{VERSION}-%{RELEASE}\\n'],
    {
      encoding: 'utf8',
    },
  );
  return [...new Set(out.split('\n').filter((l) => l !== ''))];
}

// Version strings built from the pieces rpmvercmp treats specially: digit runs with leading zeros,
// letter runs, separators, '~' and '^', with and without epoch and release.
function syntheticEvr(rnd: SeededRandom): string {
  const piece = (): string => {
    const r = rnd.next();
    if (r < 0.45) return String(rnd.int(r < 0.1 ? 3 : 30)).padStart(rnd.int(3) + 1, '0');
    if (r < 0.7) return rnd.pick(['a', 'b', 'rc', 'beta', 'alpha', 'git', 'el', 'fc', 'Z', 'post']);
    if (r < 0.85) return rnd.pick(['.', '.', '_', '+', '.', '..']);
    return rnd.pick(['~', '^', '~~', '^~']);
  };
  const field = (): string => {
    let s = String(rnd.int(4));
    for (let n = rnd.int(6); n > 0; n--) s += piece();
    return s;
  };
  const epoch = rnd.next() < 0.2 ? `${rnd.int(3)}:` : '';
  const release = rnd.next() < 0.8 ? `-${field()}` : '';
  return `${epoch}${field()}${release}`;
}

describe('rpm versions against rpm.vercmp (rpm 4.18, one Lua loop)', () => {
  let dir = '';
  let pairs: Pair[] = [];
  const figures: Record<string, number> = {};

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-rpm-oracle-'));
    const rnd = new SeededRandom(4242);
    const mariner = marinerEvrs(dir);
    // Debian's real version strings are real-world version syntax too (epochs, '~', '+', letters).
    const debian = [...aptListSuites().values()].flatMap((s) => [...s.values()].flatMap((v) => [...v]));
    const realish = rnd
      .shuffle([...new Set(debian)].filter((v) => rpmVersionScheme.isValid(v)))
      .slice(0, 4000);
    const synthetic = Array.from({ length: 3000 }, () => syntheticEvr(rnd)).filter((v) =>
      rpmVersionScheme.isValid(v),
    );
    const all = [...mariner, ...realish, ...synthetic];
    const marinerPairs: Pair[] = mariner.flatMap((a, i) =>
      mariner.slice(i + 1, i + 12).map((b) => [a, b] as const),
    );
    const random: Pair[] = Array.from({ length: 3000 }, () => [rnd.pick(all), rnd.pick(all)] as const);
    const syntheticPairs: Pair[] = Array.from(
      { length: 2500 },
      () => [rnd.pick(synthetic), rnd.pick(synthetic)] as const,
    );
    const sorted = rnd.shuffle(all).slice(0, 2500).sort(compareRpmVersions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const suffixes = ['~rc1', '^20240101', '~', '^', '.1', 'a', '_1', '~~', '^post1'];
    const variants: Pair[] = Array.from({ length: 1500 }, () => {
      const base = rnd.pick(all).replace(/-[^-]*$/, '');
      return [`${base}${rnd.pick(suffixes)}-1`, `${base}${rnd.pick(suffixes)}-1`] as const;
    });
    Object.assign(figures, {
      marinerEvrs: mariner.length,
      marinerPairs: marinerPairs.length,
      random: random.length,
      synthetic: syntheticPairs.length,
      adjacentSorted: adjacent.length,
      tildeCaretVariants: variants.length,
    });
    pairs = [...marinerPairs, ...random, ...syntheticPairs, ...adjacent, ...variants];
  });

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('agrees with rpm on every pair, ≥ 5,000 pairs with tilde, caret, epochs, letters vs digits', () => {
    const oracle = rpmOracle(pairs, dir);
    const wrong = disagreements(pairs, oracle, compareRpmVersions);
    console.log(`rpm vs rpm.vercmp: ${pairs.length - wrong.length}/${pairs.length} agree`, figures);
    expect(pairs.length).toBeGreaterThanOrEqual(5000);
    const text = pairs.map(([a, b]) => a + b).join('');
    for (const c of ['~', '^', ':']) expect(text).toContain(c);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

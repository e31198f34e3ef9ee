import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DEBIAN_PYTHON, disagreements } from '../testing/oracle-process.js';
import { GHSA_OSV, PYPA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { comparePep440Versions, pep440VersionScheme } from './pep440-version.js';

type Pair = readonly [string, string];
const SCRIPT = join(import.meta.dirname, 'testdata/packaging-compare.py');

interface OracleAnswer {
  valid: boolean[];
  cmp: (number | null)[];
}

function packagingOracle(versions: readonly string[], pairs: readonly Pair[]): OracleAnswer {
  const out = execFileSync(DEBIAN_PYTHON, [SCRIPT], {
    input: JSON.stringify({ versions, pairs }),
    maxBuffer: 1 << 28,
    encoding: 'utf8',
  });
  return JSON.parse(out) as OracleAnswer;
}

// Real versions bent into the forms PEP 440 normalizes or orders specially.
const VARIANTS = [
  (v: string): string => `${v}.post1`,
  (v: string): string => `${v}rc1`,
  (v: string): string => `${v}.dev0`,
  (v: string): string => `${v}a1.dev2`,
  (v: string): string => `${v}+local.7`,
  (v: string): string => `${v}+local.abc`,
  (v: string): string => `1!${v}`,
  (v: string): string => `${v}.0`,
  (v: string): string => `v${v}`,
  (v: string): string => `${v}-1`,
  (v: string): string => `${v}.RC2`,
  (v: string): string => `${v}.post1.dev1`,
];

describe('pep440 versions against packaging.version.Version (python3-packaging)', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];
  let answer: OracleAnswer = { valid: [], cmp: [] };

  beforeAll(() => {
    const pypa = osvVersionsByEcosystem(PYPA_OSV)['PyPI'] ?? [];
    const ghsa = osvVersionsByEcosystem(GHSA_OSV)['PyPI'] ?? [];
    versions = [...new Set([...pypa, ...ghsa])].sort();
    const rnd = new SeededRandom(440);
    const valid = versions.filter((v) => pep440VersionScheme.isValid(v));
    const random: Pair[] = Array.from({ length: 3000 }, () => [rnd.pick(valid), rnd.pick(valid)] as const);
    const sorted = rnd.shuffle(valid).slice(0, 3000).sort(comparePep440Versions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const variants: Pair[] = Array.from({ length: 2000 }, () => {
      const v = rnd.pick(valid).replace(/\+.*$/, '');
      const f = rnd.pick(VARIANTS);
      return rnd.next() < 0.5 ? ([f(v), v] as const) : ([f(v), rnd.pick(VARIANTS)(v)] as const);
    });
    pairs = [...random, ...adjacent, ...variants].filter(
      ([a, b]) => pep440VersionScheme.isValid(a) && pep440VersionScheme.isValid(b),
    );
    answer = packagingOracle(versions, pairs);
  });

  it('accepts exactly the real versions packaging accepts', () => {
    const differ = versions.filter((v, i) => pep440VersionScheme.isValid(v) !== answer.valid[i]);
    const rejected = versions.filter((v) => !pep440VersionScheme.isValid(v));
    console.log(
      `pep440: ${versions.length} real versions, ${rejected.length} invalid`,
      rejected.slice(0, 20),
    );
    expect(versions.length).toBeGreaterThan(10_000);
    expect(differ).toEqual([]);
  });

  it('orders every pair as packaging does, ≥ 2,000 pairs', () => {
    const wrong = disagreements(pairs, answer.cmp, comparePep440Versions);
    console.log(`pep440 vs packaging: ${pairs.length - wrong.length}/${pairs.length} agree`);
    expect(pairs.length).toBeGreaterThanOrEqual(2000);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

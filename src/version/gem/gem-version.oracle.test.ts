import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disagreements, linePairOracle, type OracleAnswer } from '../testing/oracle-process.js';
import { GHSA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareGemVersions, gemVersionScheme } from './gem-version.js';

type Pair = readonly [string, string];
const SCRIPT = join(import.meta.dirname, 'testdata/gem-version-compare.rb');

function rubyOracle(pairs: readonly Pair[]): OracleAnswer[] {
  return linePairOracle('ruby', [SCRIPT], pairs);
}

// Orderings the Gem::Version documentation describes: letters make a pre-release, trailing zeros do
// not count, segments compare numerically, pre-release words alphabetically.
const DOCUMENTED: Pair[] = [
  ['1.0.a', '1.0'],
  ['1.0', '1.0.0'],
  ['1', '1.0.0.0'],
  ['1.0.a.2', '1.0.a.10'],
  ['1.0.b1', '1.0.a2'],
  ['1.0.pre', '1.0.rc'],
  ['2.0.0.rc1', '2.0.0.rc.1'],
  ['1.9.3', '1.10.0'],
  ['3.0.0-rc1', '3.0.0.pre.rc1'],
  ['1.0.0-x', '1.0.0'],
  ['5.2.4.1', '5.2.4'],
  ['6.0.0.beta1', '6.0.0.alpha'],
  ['01.2', '1.2'],
  [' 1.2 ', '1.2'],
  ['1.2.3.4.5.6', '1.2.3.4.5'],
];

describe('gem versions against Gem::Version (Debian ruby)', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];

  beforeAll(() => {
    versions = osvVersionsByEcosystem(GHSA_OSV)['RubyGems'] ?? [];
    const rnd = new SeededRandom(99);
    const random: Pair[] = Array.from(
      { length: 2000 },
      () => [rnd.pick(versions), rnd.pick(versions)] as const,
    );
    const sorted = [...versions].sort(compareGemVersions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const suffixes = ['.pre', '.rc1', '.beta.2', '.1', '.0', '-alpha', 'a', '.a.b'];
    const variants: Pair[] = Array.from({ length: 1000 }, () => {
      const v = rnd.pick(versions);
      return [`${v}${rnd.pick(suffixes)}`, rnd.next() < 0.5 ? v : `${v}${rnd.pick(suffixes)}`] as const;
    });
    pairs = [...DOCUMENTED, ...random, ...adjacent, ...variants];
  });

  it('accepts exactly the versions Gem::Version.correct? accepts', () => {
    const oracle = rubyOracle(versions.map((v) => [v, v] as const));
    const differ = versions.filter((v, i) => gemVersionScheme.isValid(v) !== (oracle[i] !== 'invalid'));
    expect(versions.length).toBeGreaterThan(500);
    expect(differ).toEqual([]);
  });

  it('orders documented examples and real versions as Gem::Version does', () => {
    const oracle = rubyOracle(pairs);
    const wrong = disagreements(pairs, oracle, compareGemVersions);
    console.log(
      `gem vs Gem::Version: ${pairs.length - wrong.length}/${pairs.length} agree (${versions.length} GHSA versions)`,
    );
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

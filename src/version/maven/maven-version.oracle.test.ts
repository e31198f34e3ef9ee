import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disagreements, linePairOracle, type OracleAnswer } from '../testing/oracle-process.js';
import { GHSA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareMavenVersions, mavenVersionScheme } from './maven-version.js';

type Pair = readonly [string, string];
const JAR = '/usr/share/java/maven-artifact-3.x.jar';
const SOURCE = join(import.meta.dirname, 'testdata/MavenCompare.java');

function mavenOracle(pairs: readonly Pair[]): OracleAnswer[] {
  return linePairOracle('java', ['-cp', JAR, SOURCE], pairs);
}

// The orderings Maven's documentation (POM reference, "Version Order Specification") spells out.
const DOCUMENTED: Pair[] = [
  ['1', '1.1'],
  ['1-snapshot', '1'],
  ['1', '1-sp'],
  ['1-foo2', '1-foo10'],
  ['1.foo', '1-foo'],
  ['1-foo', '1-1'],
  ['1-1', '1.1'],
  ['1.ga', '1-ga'],
  ['1-ga', '1-0'],
  ['1-0', '1.0'],
  ['1.0', '1'],
  ['1-sp', '1-ga'],
  ['1-sp.1', '1-ga.1'],
  ['1-sp-1', '1-ga-1'],
  ['1-ga-1', '1-1'],
  ['1-a1', '1-alpha-1'],
  ['1.0.0-alpha', '1.0.0-beta'],
  ['1.0-rc1', '1.0-cr1'],
  ['1.0-milestone-1', '1.0-m1'],
  ['1.0-final', '1.0'],
  ['1.0.0.RELEASE', '1.0.0'],
  ['2.0.0.Final', '2.0.0.SP1'],
  ['1.0-SNAPSHOT', '1.0-rc1'],
  ['1.0.0-20230101.123456-1', '1.0.0'],
  ['1.0.1', '1.0.01'],
  ['1.0.0.0.0.0.1', '1'],
  ['1.0-abc', '1.0-xyz'],
  ['1.0-alpha-2', '1.0-alpha-10'],
  ['1.0.0..', '1.0.0'],
  ['1.0-', '1.0'],
  ['1-1.foo-bar1baz-.1', '1-1.foo-bar-1-baz-0.1'],
  ['99999999999999999999', '99999999999999999998'],
  ['1.2.3-jre', '1.2.3-android'],
];

describe('maven versions against Maven ComparableVersion (maven-artifact 3.8)', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];

  beforeAll(() => {
    versions = osvVersionsByEcosystem(GHSA_OSV)['Maven'] ?? [];
    const rnd = new SeededRandom(3);
    const valid = versions.filter((v) => mavenVersionScheme.isValid(v));
    const random: Pair[] = Array.from({ length: 3000 }, () => [rnd.pick(valid), rnd.pick(valid)] as const);
    const sorted = rnd.shuffle(valid).slice(0, 3000).sort(compareMavenVersions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const suffixes = [
      '-SNAPSHOT',
      '.Final',
      '-rc1',
      '-RC2',
      '.1',
      '-1',
      '-sp1',
      '-alpha',
      '.GA',
      '-jre',
      '0',
      '.0',
    ];
    const variants: Pair[] = Array.from({ length: 1500 }, () => {
      const v = rnd.pick(valid);
      return [`${v}${rnd.pick(suffixes)}`, rnd.next() < 0.5 ? v : `${v}${rnd.pick(suffixes)}`] as const;
    });
    pairs = [...DOCUMENTED, ...random, ...adjacent, ...variants];
  });

  it('accepts real Maven versions from GitHub advisories', () => {
    const rejected = versions.filter((v) => !mavenVersionScheme.isValid(v));
    console.log(
      `maven: ${versions.length} real versions, ${rejected.length} rejected`,
      rejected.slice(0, 20),
    );
    expect(versions.length).toBeGreaterThan(1000);
    expect(rejected.length).toBeLessThan(versions.length / 100);
  });

  it('orders documented examples and real versions as ComparableVersion does', () => {
    const oracle = mavenOracle(pairs);
    const wrong = disagreements(pairs, oracle, compareMavenVersions);
    console.log(`maven vs ComparableVersion: ${pairs.length - wrong.length}/${pairs.length} agree`);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

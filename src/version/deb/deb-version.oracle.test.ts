import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { aptListSuites, trixieSuite, type SuiteVersions } from '../testing/debian-versions.js';
import { DEBIAN_PYTHON, disagreements, jsonPairOracle, linePairOracle } from '../testing/oracle-process.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareDebVersions, debVersionScheme } from './deb-version.js';

type Pair = readonly [string, string];
const TESTDATA = join(import.meta.dirname, 'testdata');

function crossSuitePairs(a: SuiteVersions, b: SuiteVersions): Pair[] {
  const out: Pair[] = [];
  for (const [name, versions] of a) {
    const others = b.get(name);
    if (!others) continue;
    for (const x of versions) for (const y of others) if (x !== y) out.push([x, y]);
  }
  return out;
}

// Real versions bent the ways epochs and tildes are used in practice (backports, pre-releases, NMUs).
function syntheticPairs(versions: readonly string[], rnd: SeededRandom, count: number): Pair[] {
  const out: Pair[] = [];
  const stripEpoch = (v: string): string => v.replace(/^[0-9]+:/, '');
  const variants = [
    (v: string): string => `1:${stripEpoch(v)}`,
    (v: string): string => `${v}~rc1`,
    (v: string): string => `${v}~`,
    (v: string): string => `${v}~~`,
    (v: string): string => `${v}+b1`,
    (v: string): string => `${v}.0`,
    (v: string): string => (v.includes('-') ? `${v}~bpo12+1` : `${v}-0~bpo12+1`),
    (v: string): string => stripEpoch(v).replace(/^([0-9]+)/, (d) => `${d}~beta`),
    (v: string): string => `${rnd.int(3)}:${stripEpoch(v)}`,
    (v: string): string => stripEpoch(v).replace(/[0-9]+/, (d) => `0${d}`),
  ];
  while (out.length < count) {
    const v = rnd.pick(versions);
    const f = rnd.pick(variants);
    const g = rnd.pick(variants);
    out.push(rnd.next() < 0.5 ? [f(v), v] : [f(v), g(v)]);
  }
  return out;
}

describe('deb versions against libapt-pkg and dpkg on real Debian versions', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];
  const figures: Record<string, number> = {};

  beforeAll(async () => {
    const suites = aptListSuites();
    suites.set('trixie', await trixieSuite());
    const bookworm = suites.get('bookworm');
    const trixie = suites.get('trixie');
    const security = suites.get('bookworm-security');
    if (!bookworm || !trixie || !security)
      throw new Error('apt lists of bookworm and bookworm-security are needed (apt-get update)');
    versions = [
      ...new Set([...suites.values()].flatMap((s) => [...s.values()].flatMap((v) => [...v]))),
    ].sort();
    const rnd = new SeededRandom(20261123);
    const cross = rnd.shuffle(crossSuitePairs(bookworm, trixie)).slice(0, 5000);
    const securityPairs = crossSuitePairs(security, bookworm);
    const random: Pair[] = Array.from(
      { length: 5000 },
      () => [rnd.pick(versions), rnd.pick(versions)] as const,
    );
    const sample = rnd.shuffle(versions).slice(0, 6000).sort(compareDebVersions);
    const adjacent: Pair[] = sample.slice(1).map((v, i) => [sample[i] ?? v, v] as const);
    const synthetic = syntheticPairs(versions, rnd, 3000);
    Object.assign(figures, {
      distinctVersions: versions.length,
      bookwormVsTrixie: cross.length,
      securityVsBookworm: securityPairs.length,
      random: random.length,
      adjacentSorted: adjacent.length,
      syntheticEpochTilde: synthetic.length,
    });
    pairs = [...cross, ...securityPairs, ...random, ...adjacent, ...synthetic];
  });

  it('accepts every version in the Packages indexes', () => {
    const rejected = versions.filter((v) => !debVersionScheme.isValid(v));
    expect(versions.length).toBeGreaterThan(30_000);
    expect(rejected).toEqual([]);
  });

  it('agrees with libapt-pkg (python3-apt) on every pair, ≥ 10,000 pairs', () => {
    const oracle = jsonPairOracle(DEBIAN_PYTHON, [join(TESTDATA, 'apt-version-compare.py')], pairs);
    const wrong = disagreements(pairs, oracle, compareDebVersions);
    console.log(`deb vs libapt-pkg: ${pairs.length - wrong.length}/${pairs.length} agree`, figures);
    expect(pairs.length).toBeGreaterThanOrEqual(10_000);
    expect(wrong.slice(0, 20)).toEqual([]);
  });

  it('agrees with dpkg --compare-versions on a sample of 500 pairs', () => {
    const rnd = new SeededRandom(7);
    const sample = rnd.shuffle(pairs).slice(0, 500);
    const oracle = linePairOracle('sh', [join(TESTDATA, 'dpkg-compare.sh')], sample);
    const wrong = disagreements(sample, oracle, compareDebVersions);
    console.log(`deb vs dpkg: ${sample.length - wrong.length}/${sample.length} agree`);
    expect(wrong).toEqual([]);
  });
});

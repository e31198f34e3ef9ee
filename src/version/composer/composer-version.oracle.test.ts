import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { disagreements, linePairOracle } from '../testing/oracle-process.js';
import { GHSA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareComposerVersions, composerVersionScheme } from './composer-version.js';

type Pair = readonly [string, string];
const SCRIPT = join(import.meta.dirname, 'testdata/composer-compare.php');

// Forms Composer's documentation and VersionParser tests name: v prefix, stability suffixes with and
// without separators, patch/pl/p, four numeric parts, date versions, numeric x-dev branches, build
// metadata.
const DOCUMENTED: Pair[] = [
  ['v1.0.0', '1.0.0'],
  ['1.0.0-alpha', '1.0.0-beta'],
  ['1.0.0-b2', '1.0.0-beta2'],
  ['1.0.0RC1', '1.0.0-rc1'],
  ['1.0.0-RC1', '1.0.0'],
  ['1.0.0-patch1', '1.0.0'],
  ['1.0.0-pl1', '1.0.0-p1'],
  ['1.0.0.1', '1.0.0'],
  ['1.0.0-dev', '1.0.0-alpha'],
  ['1.0.0-beta.2', '1.0.0-beta.10'],
  ['1.0.x-dev', '1.0.9'],
  ['1.x-dev', '2.0.0'],
  ['20100102-203040', '20100102'],
  ['2010.01.02', '2010.01.01'],
  ['1.0.0+build.1', '1.0.0'],
  ['1.0.0-stable', '1.0.0'],
  ['1.0.0-alpha1-dev', '1.0.0-alpha1'],
  ['99999.0', '1.0'],
  ['1.2.3.4', '1.2.3.5'],
  ['1.0.0-beta1.2', '1.0.0-beta1'],
];

describe('composer versions against composer/semver (Debian php-composer-semver)', () => {
  let versions: string[] = [];
  let pairs: Pair[] = [];

  beforeAll(() => {
    versions = osvVersionsByEcosystem(GHSA_OSV)['Packagist'] ?? [];
    const rnd = new SeededRandom(5);
    const valid = versions.filter((v) => composerVersionScheme.isValid(v));
    const random: Pair[] = Array.from({ length: 2000 }, () => [rnd.pick(valid), rnd.pick(valid)] as const);
    const sorted = [...valid].sort(compareComposerVersions);
    const adjacent: Pair[] = sorted.slice(1).map((v, i) => [sorted[i] ?? v, v] as const);
    const suffixes = ['-dev', '-alpha2', '-beta', '-RC3', '.1', '-patch2', '-p1', 'rc1', '.0'];
    const variants: Pair[] = Array.from({ length: 1000 }, () => {
      const v = rnd.pick(valid).replace(/[-+].*$/, '');
      return [`${v}${rnd.pick(suffixes)}`, rnd.next() < 0.5 ? v : `${v}${rnd.pick(suffixes)}`] as const;
    });
    pairs = [...DOCUMENTED, ...random, ...adjacent, ...variants];
  });

  it('accepts the versions VersionParser::normalize accepts (branch names excepted: no order)', () => {
    const oracle = linePairOracle(
      'php',
      [SCRIPT],
      versions.map((v) => [v, v] as const),
    );
    const differ = versions.filter((v, i) => composerVersionScheme.isValid(v) !== (oracle[i] !== 'invalid'));
    console.log(
      `composer: ${versions.length} GHSA versions, ${versions.filter((v, i) => oracle[i] === 'invalid').length} invalid for Composer too`,
    );
    expect(versions.length).toBeGreaterThan(2000);
    expect(differ).toEqual([]);
  });

  it('orders documented examples and real versions as Composer does', () => {
    const oracle = linePairOracle('php', [SCRIPT], pairs);
    const wrong = disagreements(pairs, oracle, compareComposerVersions);
    console.log(`composer vs composer/semver: ${pairs.length - wrong.length}/${pairs.length} agree`);
    expect(wrong.slice(0, 20)).toEqual([]);
  });
});

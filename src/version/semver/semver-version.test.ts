import semver from 'semver';
import { describe, expect, it } from 'vitest';
import { GHSA_OSV, osvVersionsByEcosystem } from '../testing/osv-versions.js';
import { SeededRandom } from '../../core/seeded-random.js';
import { compareSemverVersions, parseSemver, semverVersionScheme } from './semver-version.js';

describe('semver versions as npm reads them', () => {
  it('agrees with the semver library on every pair of sampled GHSA npm and crates.io versions', () => {
    const data = osvVersionsByEcosystem(GHSA_OSV);
    const versions = [...(data['npm'] ?? []), ...(data['crates.io'] ?? [])].filter((v) =>
      semver.valid(v, true),
    );
    const rnd = new SeededRandom(11);
    let checked = 0;
    for (let n = 0; n < 5000; n++) {
      const a = rnd.pick(versions);
      const b = rnd.pick(versions);
      expect(compareSemverVersions(a, b), `${a} vs ${b}`).toBe(semver.compare(a, b, true));
      checked++;
    }
    expect(versions.length).toBeGreaterThan(2000);
    expect(checked).toBe(5000);
  });

  it.each([
    // Loose forms npm accepts.
    ['v1.2.3', '=', '1.2.3'],
    ['=1.2.3', '=', '1.2.3'],
    ['  1.2.3  ', '=', '1.2.3'],
    ['v 1.2.3', '=', '1.2.3'],
    // Build metadata does not order.
    ['1.2.3+build.1', '=', '1.2.3+build.2'],
    ['1.2.3-rc.1+build', '<', '1.2.3'],
    // Pre-releases: numeric identifiers numerically, before alphanumeric ones, fewer fields first.
    ['1.0.0-2', '<', '1.0.0-10'],
    ['1.0.0-10', '<', '1.0.0-a'],
    ['1.0.0-alpha', '<', '1.0.0-alpha.0'],
    ['1.0.0-Alpha', '<', '1.0.0-alpha'],
    ['1.2.3-0', '>', '1.2.2'],
    // Short versions from advisories read with zeros (osv.dev does the same).
    ['1.0', '=', '1.0.0'],
    ['4', '=', '4.0.0'],
    ['1.2-beta.1', '=', '1.2.0-beta.1'],
    ['1.2', '<', '1.2.1'],
  ] as const)('%s %s %s', (a, op, b) => {
    const expected = { '<': -1, '=': 0, '>': 1 }[op];
    expect(compareSemverVersions(a, b)).toBe(expected);
  });

  it('pads only plain numbers, never ranges or words', () => {
    expect(parseSemver('1.2')?.version).toBe('1.2.0');
    for (const v of ['1.x', '^1.2', '>=1.0', 'latest', '1.2.3.4', ''])
      expect(semverVersionScheme.isValid(v), v).toBe(false);
  });
});

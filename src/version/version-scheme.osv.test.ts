import { describe, expect, it } from 'vitest';
import { VersionInvalidError } from '../core/errors/version-invalid-error.js';
import { GHSA_OSV, osvVersionsByEcosystem } from './testing/osv-versions.js';
import { SeededRandom } from '../core/seeded-random.js';
import { schemeByName } from './version-registry.js';
import type { VersionSchemeName } from './version-scheme.js';

// Every language scheme on the real versions of its ecosystem in the GitHub advisories (introduced,
// fixed and last_affected events): no exception but VersionInvalidError, a sort that is consistent
// (each element ≤ the next, and ≤ everything after it on sampled triples), and few rejections.
const CASES: readonly { ecosystem: string; scheme: VersionSchemeName; maxRejectedShare: number }[] = [
  { ecosystem: 'npm', scheme: 'semver', maxRejectedShare: 0.01 },
  { ecosystem: 'crates.io', scheme: 'semver', maxRejectedShare: 0.01 },
  { ecosystem: 'PyPI', scheme: 'pep440', maxRejectedShare: 0.01 },
  { ecosystem: 'Maven', scheme: 'maven', maxRejectedShare: 0.01 },
  { ecosystem: 'Go', scheme: 'go', maxRejectedShare: 0.01 },
  { ecosystem: 'RubyGems', scheme: 'gem', maxRejectedShare: 0.01 },
  { ecosystem: 'NuGet', scheme: 'nuget', maxRejectedShare: 0.01 },
  { ecosystem: 'Packagist', scheme: 'composer', maxRejectedShare: 0.02 },
];

describe('language schemes on real GHSA versions', () => {
  const byEcosystem = osvVersionsByEcosystem(GHSA_OSV);

  it.each(CASES)(
    '$scheme orders all $ecosystem versions consistently',
    ({ ecosystem, scheme, maxRejectedShare }) => {
      const s = schemeByName(scheme);
      const versions = byEcosystem[ecosystem] ?? [];
      const rejected = versions.filter((v) => !s.isValid(v));
      for (const v of rejected) expect(() => s.compare(v, v)).toThrow(VersionInvalidError);
      const valid = versions.filter((v) => s.isValid(v));
      const sorted = [...valid].sort((a, b) => s.compare(a, b));
      for (let i = 1; i < sorted.length; i++) {
        expect(
          s.compare(sorted[i - 1] ?? '', sorted[i] ?? ''),
          `${sorted[i - 1]} ≤ ${sorted[i]}`,
        ).toBeLessThanOrEqual(0);
      }
      const rnd = new SeededRandom(17);
      for (let n = 0; n < 3000; n++) {
        const i = rnd.int(sorted.length);
        const j = i + rnd.int(sorted.length - i);
        const a = sorted[i] ?? '';
        const b = sorted[j] ?? '';
        expect(Math.sign(s.compare(a, b)), `${a} ≤ ${b}`).toBeLessThanOrEqual(0);
        expect(Math.sign(s.compare(b, a)), `${b} ≥ ${a}`).toBeGreaterThanOrEqual(0);
      }
      console.log(
        `${scheme} on GHSA ${ecosystem}: ${versions.length} versions, ${rejected.length} rejected`,
        rejected.slice(0, 12),
      );
      expect(versions.length).toBeGreaterThan(400);
      expect(rejected.length).toBeLessThanOrEqual(versions.length * maxRejectedShare);
    },
  );
});

import { describe, expect, it } from 'vitest';
import { compareNuGetVersions, nugetVersionScheme, parseNuGetVersion } from './nuget-version.js';

// NuGet's documentation ("Package versioning": normalized version numbers, pre-release versions,
// SemVer 2.0.0 support) and NuGet.Versioning's VersionComparer behaviour.
describe('nuget versions by the documented rules', () => {
  it.each([
    // Normalization: leading zeros, a zero fourth part, missing parts and metadata do not matter.
    ['1.01.1', '=', '1.1.1'],
    ['1.0.0.0', '=', '1.0.0'],
    ['1.0', '=', '1.0.0'],
    ['1', '=', '1.0.0.0'],
    ['1.0.0+githash', '=', '1.0.0'],
    ['1.0.0-beta+a', '=', '1.0.0-beta+b'],
    // Pre-release labels are case-insensitive and sort before the release.
    ['1.0.0-BETA', '=', '1.0.0-beta'],
    ['1.0.0-rc.1', '<', '1.0.0'],
    ['1.0.0-alpha', '<', '1.0.0-alpha.1'],
    ['1.0.0-alpha.1', '<', '1.0.0-alpha.beta'],
    ['1.0.0-beta.2', '<', '1.0.0-beta.11'],
    ['1.0.0-beta.11', '<', '1.0.0-rc.1'],
    ['1.0.0-1', '<', '1.0.0-alpha'],
    ['1.0.0-alpha-2', '>', '1.0.0-alpha'],
    // The fourth (revision) part orders after the third.
    ['1.0.0.1', '>', '1.0.0'],
    ['1.0.0.1', '<', '1.0.1'],
    ['4.0.0.1-beta', '>', '4.0.0'],
    ['2.0.0', '>', '1.99.99.99'],
    ['1.0.10', '>', '1.0.9'],
  ] as const)('%s %s %s', (a, op, b) => {
    const expected = { '<': -1, '=': 0, '>': 1 }[op];
    expect(Math.sign(compareNuGetVersions(a, b))).toBe(expected);
    expect(Math.sign(compareNuGetVersions(b, a))).toBe(expected === 0 ? 0 : -expected);
  });

  it('reads four numeric parts, labels and drops metadata', () => {
    expect(parseNuGetVersion('1.2.3.4-rc.1+meta')).toEqual({
      numbers: [1n, 2n, 3n, 4n],
      labels: ['rc', '1'],
    });
    expect(parseNuGetVersion(' 1.2 ')).toEqual({ numbers: [1n, 2n, 0n, 0n], labels: [] });
  });

  it.each(['1.2.3.4.5', 'v1.0.0', '1.0.0-', '1.0.0-a..b', '1.0.0+', '1.0.0-beta_1', '*', '[1.0,2.0)'])(
    'rejects %s',
    (v) => {
      expect(nugetVersionScheme.isValid(v)).toBe(false);
    },
  );
});

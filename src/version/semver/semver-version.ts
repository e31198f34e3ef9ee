import semver from 'semver';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

// npm itself reads versions loosely (`v1.2.3`, `=1.2.3`, surrounding spaces), so vigil does too: a
// version npm installed is never rejected. Precedence is SemVer 2.0.0: build metadata is ignored.
const OPTIONS = { loose: true } as const;

function mustParse(version: string): semver.SemVer {
  const parsed = semver.parse(version, OPTIONS);
  if (!parsed) throw new VersionInvalidError('semver', version);
  return parsed;
}

export function compareSemverVersions(a: string, b: string): number {
  return mustParse(a).compare(mustParse(b));
}

/** SemVer 2.0.0 as npm's `semver` library implements it; also used for crates.io (Cargo). */
export const semverVersionScheme: VersionScheme = {
  name: 'semver',
  isValid: (version) => semver.parse(version, OPTIONS) !== null,
  compare: compareSemverVersions,
};

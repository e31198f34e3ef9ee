import semver from 'semver';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

// npm itself reads versions loosely (`v1.2.3`, `=1.2.3`, surrounding spaces), so vigil does too: a
// version npm installed is never rejected. Precedence is SemVer 2.0.0: build metadata is ignored.
const OPTIONS = { loose: true } as const;

// Advisories (GHSA) sometimes bound a range with a short version, "1.0" or "4": like osv.dev, read it
// with the missing parts as zeros. Only plain numbers are padded, never a word (`latest`).
const SHORT = /^\s*[v=]?\s*([0-9]+)(?:\.([0-9]+))?((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?)\s*$/;

export function parseSemver(version: string): semver.SemVer | null {
  const parsed = semver.parse(version, OPTIONS);
  if (parsed) return parsed;
  const m = SHORT.exec(version);
  return m ? semver.parse(`${m[1] ?? ''}.${m[2] ?? '0'}.0${m[3] ?? ''}`, OPTIONS) : null;
}

function mustParse(version: string): semver.SemVer {
  const parsed = parseSemver(version);
  if (!parsed) throw new VersionInvalidError('semver', version);
  return parsed;
}

export function compareSemverVersions(a: string, b: string): number {
  return mustParse(a).compare(mustParse(b));
}

/** SemVer 2.0.0 as npm's `semver` library implements it; also used for crates.io (Cargo). */
export const semverVersionScheme: VersionScheme = {
  name: 'semver',
  isValid: (version) => parseSemver(version) !== null,
  compare: compareSemverVersions,
};

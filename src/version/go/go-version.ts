import semver from 'semver';
import { VersionInvalidError } from '../../core/errors/version-invalid-error.js';
import type { VersionScheme } from '../version-scheme.js';

/*
 * Go versions in two spellings, both mapped onto SemVer 2.0.0 (what golang.org/x/mod/semver orders):
 * - module versions, `v1.2.3`, `v0.0.0-20230101120000-abcdef123456` (pseudo-versions are pre-releases,
 *   so they order by their base and timestamp), `v2.0.0+incompatible` (build metadata, ignored); OSV
 *   writes them without the `v`, so it is optional; x/mod's shorthands `v1` and `v1.2` mean v1.0.0, v1.2.0;
 * - toolchain / standard library versions, `go1.21.3`, `go1.21rc1`, `1.9beta2`, `go1.20`, mapped as
 *   govulncheck maps them: go1.21rc1 → 1.21.0-rc.1, go1.20 → 1.20.0.
 */
const MODULE =
  /^v?(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*)((?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?))?)?$/;
const TOOLCHAIN = /^(?:go)?(1)\.(0|[1-9][0-9]*)(?:\.(0|[1-9][0-9]*))?(?:(rc|beta|alpha)(0|[1-9][0-9]*))?$/;

/** The SemVer 2.0.0 string a Go version orders as, or undefined when it is not a Go version. */
export function goVersionToSemver(version: string): string | undefined {
  const t =
    version.startsWith('go') || /^1\.[0-9]+(?:rc|beta|alpha)/.test(version) ? TOOLCHAIN.exec(version) : null;
  if (t) {
    const pre = t[4] ? `-${t[4]}.${t[5] ?? ''}` : '';
    return `${t[1] ?? ''}.${t[2] ?? ''}.${t[3] ?? '0'}${pre}`;
  }
  const m = MODULE.exec(version);
  if (!m) return undefined;
  // Shorthands cannot carry a pre-release or build (x/mod rejects v1.2-pre); the regex ties group 4 to patch.
  const s = `${m[1] ?? ''}.${m[2] ?? '0'}.${m[3] ?? '0'}${m[4] ?? ''}`;
  return semver.valid(s) === null ? undefined : s;
}

function mustConvert(version: string): string {
  const s = goVersionToSemver(version);
  if (s === undefined) throw new VersionInvalidError('go', version);
  return s;
}

export function compareGoVersions(a: string, b: string): number {
  return semver.compare(mustConvert(a), mustConvert(b));
}

export const goVersionScheme: VersionScheme = {
  name: 'go',
  isValid: (version) => goVersionToSemver(version) !== undefined,
  compare: compareGoVersions,
};

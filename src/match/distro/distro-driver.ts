import type { OsEcosystem } from '../../core/ecosystem.js';
import type { OsInfo } from '../../core/os-info.js';
import type { Package } from '../../core/package.js';
import type { VersionSchemeName } from '../../version/version-scheme.js';

/**
 * What vigil knows about one family of distributions: which OSV ecosystem keys hold its data for a
 * release, which comparator orders its versions, and which names and version of a package the data
 * is keyed by (the source package for Debian and Alpine).
 */
export interface DistroDriver {
  readonly name: string;
  readonly packageEcosystem: OsEcosystem;
  readonly scheme: VersionSchemeName;
  /** CVSS source names that count as this distribution's own (vendor) scores. */
  readonly vendorSources: readonly string[];
  claims(os: OsInfo): boolean;
  /** OSV ecosystem keys for this release, or undefined when the release cannot be told. */
  ecosystems(os: OsInfo): string[] | undefined;
  /** Names the distro's records may use for this package (source name first). */
  lookupNames(pkg: Package): string[];
  /** The version the distro's fixed versions are written against. */
  comparedVersion(pkg: Package): string;
}

/** `3.19.1` → `3.19`, `8.9` → `8`: the part of VERSION_ID that names a release stream. */
export function versionPrefix(versionId: string | undefined, parts: number): string | undefined {
  if (!versionId) return undefined;
  const m = versionId.split('.').slice(0, parts);
  return m.every((p) => /^\d+$/.test(p)) && m.length === parts ? m.join('.') : undefined;
}

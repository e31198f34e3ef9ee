import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import type { VersionScheme, VersionSchemeName } from '../version/version-scheme.js';
import type { AffectedRange, AffectedRow, AffectedState, VulnStore } from '../vulndb/vuln-types.js';

/**
 * Why one package was found affected by one record (DESIGN §4): enough to re-check the decision by hand
 * without vigil: the record, the feed, the ecosystem key and name that were looked up, the comparator
 * and the range or fixed version that decided it.
 */
export interface MatchReason {
  recordId: string;
  source: string;
  /** The OSV ecosystem key looked up (`Debian:12`, `npm`). */
  ecosystem: string;
  /** The name looked up: the source package for distros, the normalized name for languages. */
  packageName: string;
  /** The version compared: the source version for distro packages, else the package version. */
  comparedVersion: string;
  scheme: VersionSchemeName;
  state: AffectedState;
  /** How the record says so: a range, the explicit `versions` list, or its state alone. */
  via: 'range' | 'versions' | 'state';
  /** The range that contained the version, as written by the record. */
  range?: AffectedRange;
  fixedVersion?: string;
  vendorSeverity?: string;
  /**
   * Set on a distro advisory (DSA/DLA) match when the tracker has its own rows for the advisory's CVEs
   * in this release and package: those rows decide, and the advisory is only listed beside them.
   */
  deferredTo?: string[];
  /**
   * The rule that decided this match's role, when one did. `reviewed-advisory`: a GitHub-reviewed
   * advisory of the same vulnerability and package exists, so its ranges decide; this unreviewed record
   * is only listed beside it (deferredTo), or dropped when the reviewed one says "not affected".
   */
  rule?: 'reviewed-advisory';
}

/** One (package, record) decision. */
export interface PackageMatch {
  pkg: Package;
  row: AffectedRow;
  reason: MatchReason;
}

/**
 * Something a matcher could not decide, reported instead of guessed (an unknown release, a bad version).
 * `no-os-data`: the vulnerability DB has nothing for the OS and release at all (Debian sid, an unknown
 * distro), so none of its OS packages could be matched; `unsupported-os`: some OS packages are of a
 * format the detected distro does not use (an rpm database on Debian).
 */
export interface MatchNote {
  kind: 'no-os-data' | 'unsupported-os' | 'invalid-version' | 'no-scheme' | 'eol-release' | 'superseded';
  message: string;
  packageId?: string;
  recordId?: string;
}

export type SchemeLookup = (name: VersionSchemeName) => VersionScheme | undefined;

export interface MatchContext {
  store: VulnStore;
  os?: OsInfo;
  schemes: SchemeLookup;
  notes: MatchNote[];
}

/**
 * One key the vulnerability DB is read by for a package: the OSV ecosystem key (`Debian:12`, `PyPI`),
 * the name as stored (source package, PEP 503 name) and the version compared. A change set's
 * (ecosystem, name) pairs meet an index of these to find the stored inventories to re-match.
 */
export interface LookupKey {
  ecosystem: string;
  name: string;
  version: string;
}

/**
 * A matcher owns a family of ecosystems. `claims` decides ownership from the package alone, so the
 * registry can prove each package goes to exactly one matcher.
 */
export interface Matcher {
  readonly name: string;
  claims(pkg: Package): boolean;
  match(pkgs: readonly Package[], ctx: MatchContext): Promise<PackageMatch[]>;
  /**
   * Exactly the keys `match` reads the DB by for this (claimed) package on a host with `os`; none when
   * it would not be looked up at all (no data for the OS, an invalid version).
   */
  lookupKeys(pkg: Package, os: OsInfo | undefined): LookupKey[];
}

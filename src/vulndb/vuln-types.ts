/**
 * The vulnerability database as matchers see it. Ecosystems are named as OSV names them
 * (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04`, `Red Hat:8`, `npm`, `PyPI`, `Maven`, `Go`,
 * `crates.io`, `RubyGems`, `NuGet`, `Packagist`), whatever feed a row came from, so one key serves
 * every source. Package names are stored normalized (PyPI per PEP 503; distros by source package).
 */

/**
 * Fix state of one package for one vulnerability in one ecosystem (DESIGN §4). The Debian tracker's
 * finer states survive here even though OSV loses them.
 */
export type AffectedState =
  | 'fixed' // a fixed version exists (fixedVersion)
  | 'unfixed' // affected, no fix yet
  | 'no-dsa' // affected; Debian will not issue an advisory (minor issue), fix may come via point release
  | 'postponed' // affected; fix deferred to a later update
  | 'ignored' // affected; Debian decided not to fix
  | 'end-of-life' // affected; package no longer security-supported in this release
  | 'not-affected'; // this release's package is not affected (never a finding)

export type RangeEvent =
  { introduced: string } | { fixed: string } | { last_affected: string } | { limit: string };

export interface AffectedRange {
  type: 'ECOSYSTEM' | 'SEMVER';
  events: RangeEvent[];
}

export interface AffectedRow {
  /** The record's own id: CVE-…, GHSA-…, PYSEC-…, DSA-…, GO-…, RUSTSEC-…, ALPINE-… */
  vulnId: string;
  /** Which feed wrote the row: osv-debian, debian-tracker, alpine-secdb, ghsa, pypa, go-vulndb, rustsec, osv. */
  source: string;
  ecosystem: string;
  packageName: string;
  ranges: AffectedRange[];
  /** Explicitly listed affected versions (OSV `versions`). */
  versions: string[];
  state: AffectedState;
  /** Lowest fixed version across ranges, when any; the version to upgrade to. */
  fixedVersion?: string;
  /** Vendor severity as the source writes it (Debian urgency: low, medium, high, unimportant, …). */
  vendorSeverity?: string;
  /**
   * Whether the publisher reviewed the record (GHSA's `github_reviewed`); absent when the feed does not
   * say. A reviewed GitHub advisory decides over unreviewed twins (src/match/reviewed-advisory-rule.ts).
   */
  reviewed?: boolean;
}

export interface CvssEntry {
  /** CVSS vector string with its version prefix (CVSS:3.1/…, CVSS:4.0/…, or a bare v2 vector). */
  vector: string;
  version: '2.0' | '3.0' | '3.1' | '4.0';
  baseScore: number;
  /** Who scored it: the vendor (distro), the CNA, CISA-ADP, NVD, GHSA, osv. */
  source: string;
}

export interface VulnRecord {
  id: string;
  aliases: string[];
  /** Related records that are not aliases (OSV `related`, DSA → CVE). */
  related: string[];
  source: string;
  published?: string;
  modified: string;
  withdrawn?: string;
  /** Publisher's one-line summary; shown at run time, never copied into the shipped snapshot. */
  summary?: string;
  references: string[];
  cvss: CvssEntry[];
  cwes: string[];
}

export interface KevEntry {
  cveId: string;
  dateAdded: string;
  dueDate?: string;
  knownRansomwareCampaignUse?: string;
  vendorProject?: string;
  product?: string;
}

export interface EpssEntry {
  cveId: string;
  score: number;
  percentile: number;
  date?: string;
}

/** Read side of the vulnerability DB, the only thing matchers and enrichers depend on. */
export interface VulnStore {
  /**
   * The SQLite file this store reads, when it reads one: a worker thread opens its own read-only
   * connection to it (better-sqlite3 is synchronous, so matching off the event loop needs one).
   */
  readonly file?: string | undefined;
  /** Rows for (ecosystem, package) pairs, batched; names must already be normalized. */
  affected(ecosystem: string, packageNames: readonly string[]): Promise<AffectedRow[]>;
  records(ids: readonly string[]): Promise<Map<string, VulnRecord>>;
  /** CVSS from enrichment sources (CVE 5, NVD, composite), by CVE id. */
  cvss(cveIds: readonly string[]): Promise<Map<string, CvssEntry[]>>;
  kev(cveIds: readonly string[]): Promise<Map<string, KevEntry>>;
  epss(cveIds: readonly string[]): Promise<Map<string, EpssEntry>>;
}

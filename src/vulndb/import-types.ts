import type { AffectedRow, EpssEntry, KevEntry, VulnRecord } from './vuln-types.js';

/**
 * What a feed's pure transform produces, one item at a time, and the importer stores. A feed never
 * touches the DB itself: it yields items, the importer decides (new / updated / unchanged).
 */
export type FeedItem =
  | { kind: 'record'; record: VulnRecord; affected: AffectedRow[] }
  | { kind: 'kev'; entry: KevEntry }
  | { kind: 'epss'; entry: EpssEntry }
  /** Part or all of an input could not be used; counted by reason, never fatal. */
  | { kind: 'invalid'; reason: string; id?: string }
  /** Usable records with parts that were dropped on purpose (GIT ranges, unknown ecosystems…). */
  | { kind: 'skipped-part'; reason: string; count: number }
  /** The publisher's date of the data (catalog version, EPSS score date), when the feed states it. */
  | { kind: 'data-date'; date: string };

/** A feed run's input: its name (stamped on every row) and a stream of items. */
export interface FeedBatch {
  /** Feed name: osv-debian, ghsa, pypa, go-vulndb, rustsec, osv, debian-tracker, alpine-secdb, cve5, nvd, composite-cvss, kev, epss. */
  feed: string;
  items: AsyncIterable<FeedItem>;
  /**
   * Full dumps (KEV catalog, EPSS file) replace the feed's previous kev/epss rows; record feeds are
   * always incremental per record.
   */
  replaceEnrichment?: boolean;
}

/** An (ecosystem, package name) pair exactly as matchers look it up (`Debian:12` + source package). */
export type PackageKey = readonly [ecosystem: string, packageName: string];

/** What an import changed: for `db import`'s summary and for re-matching stored inventories. */
export interface ChangeSet {
  feeds: string[];
  new: string[];
  updated: string[];
  withdrawn: string[];
  /** Records unchanged or older than what is stored. */
  skipped: number;
  invalid: { count: number; reasons: Record<string, number> };
  /** Parts of usable records dropped on purpose (GIT ranges, unknown ecosystems), by reason. */
  skippedParts: Record<string, number>;
  /** CVEs newly in KEV (risk goes up: worth a rescan). */
  kevAdded: string[];
  counts: { records: number; affectedRows: number; cvss: number; kev: number; epss: number };
  /**
   * The package keys named by the affected rows of every new, updated and withdrawn record: the rows
   * stored before the import and the rows stored by it, so a range that moved away from a package still
   * names it. Sorted, unique.
   */
  keys: PackageKey[];
  /**
   * Facts that reach findings by CVE rather than by package changed (KEV, EPSS, CVSS-only records such
   * as NVD or CVE 5): which stored inventories they touch cannot be told from `keys`.
   */
  enrichmentChanged: boolean;
  /** The import's entry in the DB's import log (set once the import committed). */
  seq?: number;
}

export function emptyChangeSet(): ChangeSet {
  return {
    feeds: [],
    new: [],
    updated: [],
    withdrawn: [],
    skipped: 0,
    invalid: { count: 0, reasons: {} },
    skippedParts: {},
    kevAdded: [],
    counts: { records: 0, affectedRows: 0, cvss: 0, kev: 0, epss: 0 },
    keys: [],
    enrichmentChanged: false,
  };
}

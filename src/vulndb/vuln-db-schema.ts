import type { Generated } from 'kysely';

/**
 * Table shapes of the vulnerability DB. Lists and objects are JSON text so the same columns work on
 * SQLite and PostgreSQL without dialect-specific types. `feed` is the importer that wrote a row
 * (osv-debian, ghsa, debian-tracker, cve5, …): an import only ever replaces its own feed's rows.
 */
export interface VulnerabilitiesTable {
  id: string;
  feed: string;
  aliases: string; // JSON string[]
  related: string; // JSON string[]
  published: string | null;
  modified: string;
  withdrawn: string | null;
  summary: string | null;
  reference_urls: string; // JSON string[]
  cwes: string; // JSON string[]
  /** Hash of the stored facts: tells "unchanged" from "changed without a new `modified`". */
  digest: string;
}

export interface AffectedTable {
  vuln_id: string;
  feed: string;
  ecosystem: string;
  package_name: string;
  ranges: string; // JSON AffectedRange[]
  versions: string; // JSON string[]
  state: string;
  fixed_version: string | null;
  vendor_severity: string | null;
  /** 1 reviewed, 0 not reviewed, null: the feed does not say (see vuln-types AffectedRow.reviewed). */
  reviewed: number | null;
}

export interface CvssTable {
  cve_id: string;
  feed: string;
  /** Who scored it (cna, cisa-adp, nvd, ghsa, osv-debian, …), as CvssEntry.source. */
  source: string;
  version: string;
  vector: string;
  base_score: number;
}

export interface KevTable {
  cve_id: string;
  date_added: string;
  due_date: string | null;
  known_ransomware: string | null;
  vendor_project: string | null;
  product: string | null;
}

export interface EpssTable {
  cve_id: string;
  score: number;
  percentile: number;
  score_date: string | null;
}

export interface FeedStatusTable {
  feed: string;
  imported_at: string;
  /** The publisher's date of the data (catalog version, score date, newest `modified`). */
  data_date: string | null;
  record_count: number;
  row_count: number;
  /** JSON ChangeSet summary of the last import. */
  last_change: string;
}

export interface MetaTable {
  key: string;
  value: string;
}

/** One committed import (src/vulndb/import-log.ts). */
export interface ImportLogTable {
  seq: Generated<number>;
  kind: string;
  feeds: string; // JSON string[]
  finished_at: string;
  /** JSON ChangeSet; null: unknown (a snapshot load), everything may have changed. */
  change_set_json: string | null;
}

export interface VulnDatabase {
  vulnerabilities: VulnerabilitiesTable;
  affected: AffectedTable;
  cvss: CvssTable;
  kev: KevTable;
  epss: EpssTable;
  feed_status: FeedStatusTable;
  meta: MetaTable;
  import_log: ImportLogTable;
}

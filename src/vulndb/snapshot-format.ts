import type { VulnDatabase } from './vuln-db-schema.js';

/**
 * The shipped snapshot: one gzip JSON Lines file per table, each line an array of column values in the
 * order below (arrays, not objects: a third of the size). Facts only: the vulnerabilities table's
 * `summary` is always null in a snapshot.
 */
export const SNAPSHOT_FORMAT = 'vigil-snapshot/2';
/** Older formats the loader still reads: /1 lacks `affected.reviewed` (read as null). */
export const READABLE_SNAPSHOT_FORMATS: readonly string[] = ['vigil-snapshot/1', SNAPSHOT_FORMAT];

export const SNAPSHOT_TABLES = {
  vulnerabilities: [
    'id',
    'feed',
    'aliases',
    'related',
    'published',
    'modified',
    'withdrawn',
    'summary',
    'reference_urls',
    'cwes',
    'digest',
  ],
  affected: [
    'vuln_id',
    'feed',
    'ecosystem',
    'package_name',
    'ranges',
    'versions',
    'state',
    'fixed_version',
    'vendor_severity',
    'reviewed',
  ],
  cvss: ['cve_id', 'feed', 'source', 'version', 'vector', 'base_score'],
  kev: ['cve_id', 'date_added', 'due_date', 'known_ransomware', 'vendor_project', 'product'],
  epss: ['cve_id', 'score', 'percentile', 'score_date'],
  feed_status: ['feed', 'imported_at', 'data_date', 'record_count', 'row_count', 'last_change'],
} as const satisfies { [T in keyof VulnDatabase]?: readonly (keyof VulnDatabase[T])[] };

export type SnapshotTable = keyof typeof SNAPSHOT_TABLES;

export interface SnapshotManifest {
  format: typeof SNAPSHOT_FORMAT;
  builtAt: string;
  tables: Record<SnapshotTable, { file: string; rows: number }>;
  /** Inputs (path, sha256) the snapshot was built from, for NOTICE and reproducibility. */
  inputs: { path: string; sha256: string }[];
}

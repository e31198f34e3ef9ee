import { createHash } from 'node:crypto';
import type { AffectedTable, CvssTable, VulnerabilitiesTable } from './vuln-db-schema.js';
import type { AffectedRange, AffectedRow, AffectedState, CvssEntry, VulnRecord } from './vuln-types.js';

/** Converts between the contract types and table rows; the one place that knows the JSON columns. */

export function recordToRow(record: VulnRecord, feed: string, digest: string): VulnerabilitiesTable {
  return {
    id: record.id,
    feed,
    aliases: JSON.stringify(record.aliases),
    related: JSON.stringify(record.related),
    published: record.published ?? null,
    modified: record.modified,
    withdrawn: record.withdrawn ?? null,
    summary: record.summary ?? null,
    reference_urls: JSON.stringify(record.references),
    cwes: JSON.stringify(record.cwes),
    digest,
  };
}

export function affectedToRow(row: AffectedRow, feed: string): AffectedTable {
  return {
    vuln_id: row.vulnId,
    feed,
    ecosystem: row.ecosystem,
    package_name: row.packageName,
    ranges: JSON.stringify(row.ranges),
    versions: JSON.stringify(row.versions),
    state: row.state,
    fixed_version: row.fixedVersion ?? null,
    vendor_severity: row.vendorSeverity ?? null,
    reviewed: row.reviewed === undefined ? null : row.reviewed ? 1 : 0,
  };
}

export function rowToAffected(row: AffectedTable): AffectedRow {
  const out: AffectedRow = {
    vulnId: row.vuln_id,
    source: row.feed,
    ecosystem: row.ecosystem,
    packageName: row.package_name,
    ranges: JSON.parse(row.ranges) as AffectedRange[],
    versions: JSON.parse(row.versions) as string[],
    state: row.state as AffectedState,
  };
  if (row.fixed_version !== null) out.fixedVersion = row.fixed_version;
  if (row.vendor_severity !== null) out.vendorSeverity = row.vendor_severity;
  if (row.reviewed !== null && row.reviewed !== undefined) out.reviewed = row.reviewed === 1;
  return out;
}

export function cvssToRow(cveId: string, feed: string, e: CvssEntry): CvssTable {
  return {
    cve_id: cveId,
    feed,
    source: e.source,
    version: e.version,
    vector: e.vector,
    base_score: e.baseScore,
  };
}

export function rowToCvss(row: CvssTable): CvssEntry {
  return {
    vector: row.vector,
    version: row.version as CvssEntry['version'],
    baseScore: row.base_score,
    source: row.source,
  };
}

export function rowToRecord(row: VulnerabilitiesTable, cvss: CvssEntry[]): VulnRecord {
  const out: VulnRecord = {
    id: row.id,
    aliases: JSON.parse(row.aliases) as string[],
    related: JSON.parse(row.related) as string[],
    source: row.feed,
    modified: row.modified,
    references: JSON.parse(row.reference_urls) as string[],
    cvss,
    cwes: JSON.parse(row.cwes) as string[],
  };
  if (row.published !== null) out.published = row.published;
  if (row.withdrawn !== null) out.withdrawn = row.withdrawn;
  if (row.summary !== null) out.summary = row.summary;
  return out;
}

/**
 * Digest of a record's facts: equal digests mean re-importing changes nothing. Left out: the summary
 * (display text, absent from the shipped snapshot, so a DB loaded from the snapshot and fed the same
 * upstream file reports nothing changed) and `modified` (feeds without dates stamp the download date;
 * a new date on the same facts is not a change). 72 bits: only a record's stored and incoming versions
 * are compared (a missed change needs a 2^-72 coincidence); shorter keeps the snapshot small.
 */
export function recordDigest(record: VulnRecord, affected: readonly AffectedRow[]): string {
  const { summary: _summary, modified: _modified, ...facts } = record;
  return createHash('sha256')
    .update(JSON.stringify([facts, affected]))
    .digest('base64url')
    .slice(0, 12);
}

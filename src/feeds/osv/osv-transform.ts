import type { FeedItem } from '../../vulndb/import-types.js';
import type { AffectedRow, CvssEntry, VulnRecord } from '../../vulndb/vuln-types.js';
import { cvssEntry } from '../common/cvss-score.js';
import { isObject, stringList, str } from '../common/json-shape.js';
import { osvAffectedRows } from './osv-affected.js';

/**
 * The schema gate: OSV 1.x only (records without `schema_version` are older 1.x producers such as
 * RustSec and PyPA exports). A 2.x record may change meanings we rely on, so it is rejected, counted,
 * and the import goes on.
 */
export function osvSchemaSupported(version: unknown): boolean {
  return version === undefined || (typeof version === 'string' && /^1\.\d+(\.\d+)?$/.test(version));
}

/** One parsed OSV JSON object → the record, its usable affected rows, and counts of what was dropped. */
export function transformOsv(raw: unknown, feed: string): FeedItem[] {
  if (!isObject(raw)) return [{ kind: 'invalid', reason: 'OSV record is not a JSON object' }];
  const id = str(raw['id']);
  if (!id) return [{ kind: 'invalid', reason: 'OSV record without id' }];
  if (!osvSchemaSupported(raw['schema_version'])) {
    return [
      { kind: 'invalid', reason: `unsupported OSV schema_version ${String(raw['schema_version'])}`, id },
    ];
  }
  const items: FeedItem[] = [];
  const skipped = new Map<string, number>();
  const affected: AffectedRow[] = [];
  const recordSeverity = recordVendorSeverity(raw);
  const reviewed = githubReviewed(raw);
  const list = Array.isArray(raw['affected']) ? (raw['affected'] as unknown[]) : [];
  for (const entry of list) {
    const result = osvAffectedRows(id, feed, entry, recordSeverity);
    if (result.row && reviewed !== undefined) result.row.reviewed = reviewed;
    if (result.row) affected.push(result.row);
    for (const reason of result.skipped) skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
  }
  for (const [reason, count] of skipped) items.push({ kind: 'skipped-part', reason, count });
  items.push({ kind: 'record', record: osvRecord(raw, id, feed), affected });
  return items;
}

function osvRecord(raw: Record<string, unknown>, id: string, feed: string): VulnRecord {
  const record: VulnRecord = {
    id,
    aliases: stringList(raw['aliases']),
    related: stringList(raw['related']),
    source: feed,
    // OSV requires `modified`; a record without one sorts as oldest so any dated copy replaces it.
    modified: str(raw['modified']) ?? '1970-01-01T00:00:00Z',
    references: referenceUrls(raw['references']),
    cvss: severityCvss(raw['severity'], feed),
    cwes: recordCwes(raw),
  };
  const published = str(raw['published']);
  if (published) record.published = published;
  const withdrawn = str(raw['withdrawn']);
  if (withdrawn) record.withdrawn = withdrawn;
  const summary = str(raw['summary']) ?? firstSentence(str(raw['details']));
  if (summary) record.summary = summary;
  return record;
}

function referenceUrls(refs: unknown): string[] {
  if (!Array.isArray(refs)) return [];
  const urls = refs.map((r) => (isObject(r) ? str(r['url']) : undefined)).filter((u) => u !== undefined);
  return [...new Set(urls)];
}

function severityCvss(severity: unknown, feed: string): CvssEntry[] {
  if (!Array.isArray(severity)) return [];
  const out: CvssEntry[] = [];
  for (const s of severity) {
    if (!isObject(s) || !/^CVSS_V[234]$/.test(str(s['type']) ?? '')) continue;
    const e = cvssEntry(str(s['score']) ?? '', feed);
    if (e) out.push(e);
  }
  return out;
}

/** GHSA writes its severity per record (`database_specific.severity`); Ubuntu as a severity entry. */
function recordVendorSeverity(raw: Record<string, unknown>): string | undefined {
  const db = raw['database_specific'];
  if (isObject(db) && typeof db['severity'] === 'string') return db['severity'].toLowerCase();
  if (Array.isArray(raw['severity'])) {
    for (const s of raw['severity']) {
      if (isObject(s) && s['type'] === 'Ubuntu' && typeof s['score'] === 'string') return s['score'];
    }
  }
  return undefined;
}

function recordCwes(raw: Record<string, unknown>): string[] {
  const db = raw['database_specific'];
  return isObject(db) ? stringList(db['cwe_ids']) : [];
}

/** Debian's OSV records have only `details`; a short first sentence serves as the run-time summary. */
function firstSentence(details: string | undefined): string | undefined {
  if (!details) return undefined;
  const line = details.split('\n')[0]?.trim() ?? '';
  const m = /^(.{20,200}?[.!?])(\s|$)/.exec(line);
  const s = m?.[1] ?? line.slice(0, 200);
  return s || undefined;
}

/** GitHub says whether it reviewed an advisory (`database_specific.github_reviewed`); others say nothing. */
function githubReviewed(raw: Record<string, unknown>): boolean | undefined {
  const ds = raw['database_specific'];
  if (!isObject(ds)) return undefined;
  const r = ds['github_reviewed'];
  return typeof r === 'boolean' ? r : undefined;
}

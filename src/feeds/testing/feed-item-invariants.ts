import type { FeedItem } from '../../vulndb/import-types.js';
import type { AffectedRow, CvssEntry, VulnRecord } from '../../vulndb/vuln-types.js';

/**
 * What the importer may rely on in any feed's items (src/vulndb/import-types.ts, vuln-types.ts), as a
 * list of violations (empty when the batch is sound). Used by the feed contract suite.
 */
const STATES = new Set(['fixed', 'unfixed', 'no-dsa', 'postponed', 'ignored', 'end-of-life', 'not-affected']);
const CVE = /^CVE-\d{4}-\d{4,}$/;
const CWE = /^CWE-\d+$/;
const VECTOR_PREFIX: Record<CvssEntry['version'], RegExp> = {
  '2.0': /^(CVSS:2\.0\/)?AV:[LAN]\//,
  '3.0': /^CVSS:3\.0\//,
  '3.1': /^CVSS:3\.1\//,
  '4.0': /^CVSS:4\.0\//,
};

const isDate = (s: unknown): boolean =>
  typeof s === 'string' && /^\d{4}-\d{2}-\d{2}/.test(s) && !Number.isNaN(Date.parse(s));
const strings = (v: unknown): boolean =>
  Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== '');
const probability = (n: unknown): boolean => typeof n === 'number' && Number.isFinite(n) && n >= 0 && n <= 1;

function recordViolations(r: VulnRecord, feed: string): string[] {
  const out: string[] = [];
  const bad = (what: string): number => out.push(`${r.id || '(no id)'}: ${what}`);
  if (!/^\S+$/.test(r.id)) bad('id is empty or has spaces');
  if (r.source !== feed) bad(`source ${r.source} is not the batch's feed ${feed}`);
  if (!isDate(r.modified)) bad(`modified ${r.modified} is not a date`);
  for (const k of ['published', 'withdrawn'] as const)
    if (r[k] !== undefined && !isDate(r[k])) bad(`${k} is not a date`);
  for (const k of ['aliases', 'related', 'references', 'cwes'] as const)
    if (!strings(r[k])) bad(`${k} is not a list of strings`);
  if (r.aliases.includes(r.id)) bad('lists itself as an alias');
  for (const c of r.cwes) if (!CWE.test(c)) bad(`cwe ${c}`);
  for (const c of r.cvss) {
    if (!(c.version in VECTOR_PREFIX) || !VECTOR_PREFIX[c.version].test(c.vector))
      bad(`cvss ${c.version} ${c.vector}`);
    if (!(c.baseScore >= 0 && c.baseScore <= 10)) bad(`cvss base score ${c.baseScore}`);
    if (!c.source) bad('cvss without a source');
  }
  if (r.summary !== undefined && r.summary.trim() === '') bad('empty summary');
  return out;
}

function rowViolations(row: AffectedRow, record: VulnRecord, feed: string): string[] {
  const out: string[] = [];
  const bad = (what: string): number => out.push(`${record.id} ${row.ecosystem}/${row.packageName}: ${what}`);
  if (row.vulnId !== record.id) bad(`row of ${row.vulnId} under record ${record.id}`);
  if (row.source !== feed) bad(`row source ${row.source} is not the batch's feed ${feed}`);
  if (!row.ecosystem || !row.packageName) bad('no ecosystem or package name');
  if (!STATES.has(row.state)) bad(`state ${row.state}`);
  if (row.state === 'fixed' && !row.fixedVersion) bad('fixed without a fixed version');
  if (!strings(row.versions) && row.versions.length > 0) bad('versions are not strings');
  for (const range of row.ranges) {
    if (range.type !== 'ECOSYSTEM' && range.type !== 'SEMVER') bad(`range type ${String(range.type)}`);
    if (range.events.length === 0) bad('range without events');
    for (const e of range.events) {
      const keys = Object.keys(e);
      const value = Object.values(e)[0] as unknown;
      if (keys.length !== 1 || typeof value !== 'string' || value === '')
        bad(`range event ${JSON.stringify(e)}`);
    }
  }
  return out;
}

/** Every violation in one batch's items. */
export function feedItemViolations(feed: string, items: readonly FeedItem[]): string[] {
  const out: string[] = [];
  for (const item of items) {
    // Items cross the importer as JSON: nothing may be lost or changed by that (undefined, NaN, Dates).
    if (JSON.stringify(JSON.parse(JSON.stringify(item))) !== JSON.stringify(item))
      out.push(`${item.kind}: not plain JSON`);
    switch (item.kind) {
      case 'record':
        out.push(...recordViolations(item.record, feed));
        for (const row of item.affected) out.push(...rowViolations(row, item.record, feed));
        break;
      case 'kev':
        if (!CVE.test(item.entry.cveId) || !isDate(item.entry.dateAdded))
          out.push(`kev ${JSON.stringify(item.entry)}`);
        if (item.entry.dueDate !== undefined && !isDate(item.entry.dueDate))
          out.push(`kev due date ${item.entry.dueDate}`);
        break;
      case 'epss':
        if (
          !CVE.test(item.entry.cveId) ||
          !probability(item.entry.score) ||
          !probability(item.entry.percentile)
        )
          out.push(`epss ${JSON.stringify(item.entry)}`);
        if (item.entry.date !== undefined && !isDate(item.entry.date))
          out.push(`epss date ${item.entry.date}`);
        break;
      case 'invalid':
        if (!item.reason) out.push('invalid item without a reason');
        break;
      case 'skipped-part':
        if (!item.reason || !(item.count >= 1)) out.push(`skipped-part ${JSON.stringify(item)}`);
        break;
      case 'data-date':
        if (!isDate(item.date)) out.push(`data-date ${item.date}`);
        break;
    }
  }
  return out;
}

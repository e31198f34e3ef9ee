import type { FeedItem } from '../../vulndb/import-types.js';
import type { CvssEntry, VulnRecord } from '../../vulndb/vuln-types.js';
import { cvssEntry } from '../common/cvss-score.js';
import { isObject, str } from '../common/json-shape.js';
import { FeedFormatError } from '../feed-format-error.js';

export const NVD_FEED = 'nvd';
const METRIC_KEYS = ['cvssMetricV40', 'cvssMetricV31', 'cvssMetricV30', 'cvssMetricV2'] as const;

/**
 * One page of NVD's CVE API 2.0 (`format: NVD_CVE`, `version: 2.0`; the gate refuses other versions)
 * → enrichment records: CVSS (NVD's own `Primary` metrics as source `nvd`, CNA-supplied `Secondary`
 * ones as `cna`), CWEs, dates, reference URLs. NVD is never used for matching (DESIGN §4).
 */
export function transformNvdPage(doc: unknown): FeedItem[] {
  if (!isObject(doc) || doc['format'] !== 'NVD_CVE' || doc['version'] !== '2.0') {
    const v = isObject(doc) ? `${String(doc['format'])} ${String(doc['version'])}` : typeof doc;
    throw new FeedFormatError(NVD_FEED, `expected NVD_CVE 2.0, got ${v}`);
  }
  const items: FeedItem[] = [];
  const stamp = str(doc['timestamp']);
  if (stamp) items.push({ kind: 'data-date', date: stamp });
  for (const v of Array.isArray(doc['vulnerabilities']) ? doc['vulnerabilities'] : []) {
    const cve = isObject(v) && isObject(v['cve']) ? v['cve'] : undefined;
    const id = cve ? str(cve['id']) : undefined;
    if (!cve || !id) {
      items.push({ kind: 'invalid', reason: 'NVD item without cve.id' });
      continue;
    }
    items.push({ kind: 'record', record: nvdRecord(id, cve), affected: [] });
  }
  return items;
}

function nvdRecord(id: string, cve: Record<string, unknown>): VulnRecord {
  const record: VulnRecord = {
    id,
    aliases: [],
    related: [],
    source: NVD_FEED,
    modified: str(cve['lastModified']) ?? str(cve['published']) ?? '1970-01-01T00:00:00Z',
    references: Array.isArray(cve['references'])
      ? [
          ...new Set(
            cve['references'].flatMap((r) => (isObject(r) && str(r['url']) ? [r['url'] as string] : [])),
          ),
        ]
      : [],
    cvss: nvdMetrics(cve['metrics']),
    cwes: nvdCwes(cve['weaknesses']),
  };
  const published = str(cve['published']);
  if (published) record.published = published;
  if (cve['vulnStatus'] === 'Rejected') record.withdrawn = record.modified;
  const descriptions: unknown[] = Array.isArray(cve['descriptions']) ? cve['descriptions'] : [];
  const en = descriptions.find((d) => isObject(d) && d['lang'] === 'en');
  const summary = isObject(en) ? str(en['value']) : undefined;
  if (summary) record.summary = summary;
  return record;
}

function nvdMetrics(metrics: unknown): CvssEntry[] {
  if (!isObject(metrics)) return [];
  const out: CvssEntry[] = [];
  for (const key of METRIC_KEYS) {
    for (const m of Array.isArray(metrics[key]) ? metrics[key] : []) {
      const data = isObject(m) && isObject(m['cvssData']) ? m['cvssData'] : undefined;
      const vector = data ? str(data['vectorString']) : undefined;
      const source = isObject(m) && m['type'] === 'Primary' ? 'nvd' : 'cna';
      const e = vector ? cvssEntry(vector, source) : undefined;
      if (e) out.push(e);
    }
  }
  return out;
}

function nvdCwes(weaknesses: unknown): string[] {
  if (!Array.isArray(weaknesses)) return [];
  const out = new Set<string>();
  for (const w of weaknesses) {
    const ds = isObject(w) && Array.isArray(w['description']) ? w['description'] : [];
    for (const d of ds)
      if (isObject(d) && typeof d['value'] === 'string' && /^CWE-\d+$/.test(d['value'])) out.add(d['value']);
  }
  return [...out];
}

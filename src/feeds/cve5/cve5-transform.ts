import type { FeedItem } from '../../vulndb/import-types.js';
import type { CvssEntry, VulnRecord } from '../../vulndb/vuln-types.js';
import { cvssEntry } from '../common/cvss-score.js';
import { isObject, str } from '../common/json-shape.js';

export const CVE5_FEED = 'cve5';
const METRIC_KEYS = ['cvssV4_0', 'cvssV3_1', 'cvssV3_0', 'cvssV2_0'] as const;

/** The gate: CVE JSON 5.x records only (`dataType: CVE_RECORD`, `dataVersion` 5.*). */
export function cve5Supported(doc: Record<string, unknown>): boolean {
  const v = doc['dataVersion'];
  return (
    doc['dataType'] === 'CVE_RECORD' &&
    (typeof v === 'string' || typeof v === 'number') &&
    /^5(\.|$)/.test(String(v))
  );
}

/**
 * One CVE JSON 5 record → an enrichment record (no affected rows: CVE data is never used for matching,
 * DESIGN §4): CVSS of the CNA (`cna`) and of each ADP (`cisa-adp` for CISA's Vulnrichment), CWEs and
 * dates. A REJECTED record is withdrawn.
 */
export function transformCve5(raw: unknown): FeedItem[] {
  if (!isObject(raw)) return [{ kind: 'invalid', reason: 'CVE record is not a JSON object' }];
  if (!cve5Supported(raw))
    return [{ kind: 'invalid', reason: `unsupported CVE record dataVersion ${String(raw['dataVersion'])}` }];
  const meta = isObject(raw['cveMetadata']) ? raw['cveMetadata'] : {};
  const id = str(meta['cveId']);
  if (!id) return [{ kind: 'invalid', reason: 'CVE record without cveId' }];
  const containers = isObject(raw['containers']) ? raw['containers'] : {};
  const cna = isObject(containers['cna']) ? containers['cna'] : {};
  const adps = Array.isArray(containers['adp']) ? containers['adp'].filter(isObject) : [];
  const record: VulnRecord = {
    id,
    aliases: [],
    related: [],
    source: CVE5_FEED,
    modified: str(meta['dateUpdated']) ?? str(meta['datePublished']) ?? '1970-01-01T00:00:00Z',
    // Enrichment only: the advisory feeds carry the references a finding shows (and the snapshot
    // stays small); CVE 5's reference lists are not kept.
    references: [],
    cvss: [...metrics(cna, 'cna'), ...adps.flatMap((a) => metrics(a, adpSource(a)))],
    cwes: [...new Set([cna, ...adps].flatMap((c) => cwes(c['problemTypes'])))],
  };
  const published = str(meta['datePublished']);
  if (published) record.published = published;
  if (meta['state'] === 'REJECTED') record.withdrawn = str(meta['dateRejected']) ?? record.modified;
  const summary = englishDescription(cna['descriptions']) ?? englishDescription(cna['rejectedReasons']);
  if (summary) record.summary = summary;
  return [{ kind: 'record', record, affected: [] }];
}

function adpSource(adp: Record<string, unknown>): string {
  const pm = isObject(adp['providerMetadata']) ? adp['providerMetadata'] : {};
  return (str(pm['shortName']) ?? 'adp').toLowerCase();
}

function metrics(container: Record<string, unknown>, source: string): CvssEntry[] {
  const list = Array.isArray(container['metrics']) ? container['metrics'] : [];
  const out: CvssEntry[] = [];
  for (const m of list) {
    if (!isObject(m)) continue;
    for (const key of METRIC_KEYS) {
      const data = m[key];
      const vector = isObject(data) ? str(data['vectorString']) : undefined;
      const e = vector ? cvssEntry(vector, source) : undefined;
      if (e) out.push(e);
    }
  }
  return out;
}

function cwes(problemTypes: unknown): string[] {
  if (!Array.isArray(problemTypes)) return [];
  return problemTypes.flatMap((p) => {
    const ds = isObject(p) && Array.isArray(p['descriptions']) ? p['descriptions'] : [];
    return ds.flatMap((d) =>
      isObject(d) && typeof d['cweId'] === 'string' && /^CWE-\d+$/.test(d['cweId']) ? [d['cweId']] : [],
    );
  });
}

function englishDescription(list: unknown): string | undefined {
  if (!Array.isArray(list)) return undefined;
  const d: unknown = (list as unknown[]).find(
    (x) => isObject(x) && typeof x['lang'] === 'string' && x['lang'].startsWith('en'),
  );
  return isObject(d) ? str(d['value']) : undefined;
}

import type { FeedItem } from '../../vulndb/import-types.js';
import type { CvssEntry } from '../../vulndb/vuln-types.js';
import { cvssEntry } from '../common/cvss-score.js';
import { isObject, str, stringList } from '../common/json-shape.js';

export const COMPOSITE_FEED = 'composite-cvss';
const EPOCH = '1970-01-01T00:00:00Z';

/** Provenance keys of the composite file → CvssEntry sources used everywhere else. */
export function compositeSource(key: string): string {
  if (key === 'cna') return 'cna';
  if (key.startsWith('adp:')) return key.slice(4).toLowerCase();
  if (key.startsWith('osv.dev')) return 'osv';
  if (key.startsWith('ghsa:')) return 'ghsa';
  return key.toLowerCase();
}

/**
 * One line of the derived CVE → CVSS/CWE composite (`{cve, sources: {provenance: {cvss_v2|v3|v4,
 * cwe}}}`) → an enrichment record. The file has no version field: the gate is the line's shape.
 */
export function transformComposite(raw: unknown, dataDate?: string): FeedItem[] {
  if (!isObject(raw) || !str(raw['cve']) || !isObject(raw['sources'])) {
    return [{ kind: 'invalid', reason: 'composite line without cve and sources' }];
  }
  const id = raw['cve'] as string;
  const cvss: CvssEntry[] = [];
  const cwes = new Set<string>();
  for (const [key, facts] of Object.entries(raw['sources'])) {
    if (!isObject(facts)) continue;
    for (const field of ['cvss_v4', 'cvss_v3', 'cvss_v2']) {
      const vector = str(facts[field]);
      const e = vector ? cvssEntry(vector, compositeSource(key)) : undefined;
      if (e && !cvss.some((c) => c.source === e.source && c.vector === e.vector)) cvss.push(e);
    }
    for (const c of stringList(facts['cwe'])) if (/^CWE-\d+$/.test(c)) cwes.add(c);
  }
  return [
    {
      kind: 'record',
      record: {
        id,
        aliases: [],
        related: [],
        source: COMPOSITE_FEED,
        modified: dataDate ?? EPOCH,
        references: [],
        cvss,
        cwes: [...cwes],
      },
      affected: [],
    },
  ];
}

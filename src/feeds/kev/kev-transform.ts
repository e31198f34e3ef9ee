import type { FeedItem } from '../../vulndb/import-types.js';
import type { KevEntry } from '../../vulndb/vuln-types.js';
import { isObject, str } from '../common/json-shape.js';
import { FeedFormatError } from '../feed-format-error.js';

export const KEV_FEED = 'kev';

/**
 * CISA's KEV catalog JSON. Gate: `catalogVersion` and a `vulnerabilities` array (the catalog's schema
 * has no separate version field). The catalog is a full dump: it replaces the stored one.
 */
export function transformKev(doc: unknown): FeedItem[] {
  if (!isObject(doc) || !str(doc['catalogVersion']) || !Array.isArray(doc['vulnerabilities'])) {
    throw new FeedFormatError(KEV_FEED, 'not a KEV catalog (catalogVersion, vulnerabilities[])');
  }
  const items: FeedItem[] = [];
  const released = str(doc['dateReleased']);
  if (released) items.push({ kind: 'data-date', date: released });
  for (const v of doc['vulnerabilities']) {
    const id = isObject(v) ? str(v['cveID']) : undefined;
    const added = isObject(v) ? str(v['dateAdded']) : undefined;
    if (!isObject(v) || !id || !added) {
      items.push({ kind: 'invalid', reason: 'KEV entry without cveID or dateAdded' });
      continue;
    }
    const entry: KevEntry = { cveId: id, dateAdded: added };
    const due = str(v['dueDate']);
    if (due) entry.dueDate = due;
    const ransomware = str(v['knownRansomwareCampaignUse']);
    if (ransomware) entry.knownRansomwareCampaignUse = ransomware;
    const vendor = str(v['vendorProject']);
    if (vendor) entry.vendorProject = vendor;
    const product = str(v['product']);
    if (product) entry.product = product;
    items.push({ kind: 'kev', entry });
  }
  return items;
}

import type { FeedBatch } from '../../vulndb/import-types.js';
import { jsonlItems } from '../common/jsonl-feed.js';
import { CVE5_FEED, transformCve5 } from './cve5-transform.js';

/** CVE JSON 5 records, one per line (gzip or not). */
export function cve5Feed(path: string): FeedBatch {
  return { feed: CVE5_FEED, items: jsonlItems(path, CVE5_FEED, transformCve5) };
}

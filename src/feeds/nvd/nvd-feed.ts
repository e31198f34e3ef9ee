import type { FeedBatch } from '../../vulndb/import-types.js';
import { deferred, readJsonDocument } from '../common/jsonl-feed.js';
import { NVD_FEED, transformNvdPage } from './nvd-transform.js';

/** One or more saved NVD CVE API 2.0 response pages. */
export function nvdFeed(paths: readonly string[]): FeedBatch {
  return {
    feed: NVD_FEED,
    items: deferred(async () => {
      const items = [];
      for (const p of paths) items.push(...transformNvdPage(await readJsonDocument(p, NVD_FEED)));
      return items;
    }),
  };
}

import { appendAll } from '../../core/append-all.js';
import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { deferred, readJsonDocument } from '../common/jsonl-feed.js';
import { NVD_FEED, transformNvdPage } from './nvd-transform.js';

/** One or more saved NVD CVE API 2.0 response pages. */
export function nvdFeed(paths: readonly string[]): FeedBatch {
  return {
    feed: NVD_FEED,
    items: deferred(async () => {
      const items: FeedItem[] = [];
      for (const p of paths) appendAll(items, transformNvdPage(await readJsonDocument(p, NVD_FEED)));
      return items;
    }),
  };
}

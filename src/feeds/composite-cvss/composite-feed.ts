import type { FeedBatch } from '../../vulndb/import-types.js';
import { jsonlItems } from '../common/jsonl-feed.js';
import { COMPOSITE_FEED, transformComposite } from './composite-transform.js';

export function compositeFeed(path: string, dataDate?: string): FeedBatch {
  return {
    feed: COMPOSITE_FEED,
    items: jsonlItems(path, COMPOSITE_FEED, (doc) => transformComposite(doc, dataDate)),
  };
}

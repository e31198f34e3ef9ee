import type { FeedBatch } from '../../vulndb/import-types.js';
import { deferred, readJsonDocument } from '../common/jsonl-feed.js';
import { KEV_FEED, transformKev } from './kev-transform.js';

/** The KEV catalog JSON: a full dump, so it replaces the stored catalog. */
export function kevFeed(path: string): FeedBatch {
  return {
    feed: KEV_FEED,
    replaceEnrichment: true,
    items: deferred(async () => transformKev(await readJsonDocument(path, KEV_FEED))),
  };
}

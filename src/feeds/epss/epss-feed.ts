import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { lines, openMaybeGzip } from '../../vulndb/line-reader.js';
import { EPSS_FEED, EpssCsvTransform } from './epss-transform.js';

/** FIRST's EPSS CSV (gzip or not): a full dump, so it replaces the stored scores. */
export function epssFeed(path: string): FeedBatch {
  return { feed: EPSS_FEED, replaceEnrichment: true, items: epssItems(path) };
}

async function* epssItems(path: string): AsyncGenerator<FeedItem> {
  const t = new EpssCsvTransform();
  for await (const line of lines(await openMaybeGzip(path))) yield* t.line(line);
}

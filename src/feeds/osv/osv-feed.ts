import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { readOsvDirectory, readOsvJsonl, readOsvZip, type RawDoc } from './osv-read.js';
import { transformOsv } from './osv-transform.js';

/** Feed names by well-known file names of OSV exports; anything else is plain `osv`. */
const NAME_HINTS: readonly [RegExp, string][] = [
  [/debian/i, 'osv-debian'],
  [/ghsa|github/i, 'ghsa'],
  [/pypa|pysec/i, 'pypa'],
  [/go-?vulndb|golang/i, 'go-vulndb'],
  [/rustsec/i, 'rustsec'],
];

export function osvFeedNameFor(path: string): string {
  const name = basename(path);
  return NAME_HINTS.find(([re]) => re.test(name))?.[1] ?? 'osv';
}

/** An OSV source (directory, `.zip`, `.jsonl[.gz]`) as a feed batch. */
export async function osvFeed(path: string, feed = osvFeedNameFor(path)): Promise<FeedBatch> {
  const info = await stat(path);
  let docs: AsyncIterable<RawDoc>;
  if (info.isDirectory()) docs = readOsvDirectory(path);
  else if (path.endsWith('.zip')) docs = readOsvZip(path);
  else docs = readOsvJsonl(path);
  return { feed, items: osvItems(docs, feed) };
}

export async function* osvItems(
  docs: AsyncIterable<RawDoc> | Iterable<RawDoc>,
  feed: string,
): AsyncGenerator<FeedItem> {
  for await (const doc of docs) {
    if (!doc.ok) yield { kind: 'invalid', reason: doc.reason };
    else yield* transformOsv(doc.value, feed);
  }
}

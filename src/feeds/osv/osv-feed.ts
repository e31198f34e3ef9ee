import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { readOsvDirectory, readOsvFile, readOsvJsonl, readOsvZip, type RawDoc } from './osv-read.js';
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

/**
 * An OSV source (directory, `.zip`, `.jsonl[.gz]`, one `.json`) as a feed batch. `onlyEcosystem`
 * keeps the rows of one ecosystem: osv.dev's `npm/all.zip` also carries the PyPI entries of a
 * multi-ecosystem advisory, which `PyPI/all.zip` brings again.
 */
export async function osvFeed(
  path: string,
  feed = osvFeedNameFor(path),
  onlyEcosystem?: string,
): Promise<FeedBatch> {
  const info = await stat(path);
  let docs: AsyncIterable<RawDoc>;
  if (info.isDirectory()) docs = readOsvDirectory(path);
  else if (path.endsWith('.zip')) docs = readOsvZip(path);
  else if (path.endsWith('.json')) docs = readOsvFile(path);
  else docs = readOsvJsonl(path, feed);
  return { feed, items: osvItems(docs, feed, onlyEcosystem) };
}

export async function* osvItems(
  docs: AsyncIterable<RawDoc> | Iterable<RawDoc>,
  feed: string,
  onlyEcosystem?: string,
): AsyncGenerator<FeedItem> {
  const keep = (eco: string): boolean =>
    onlyEcosystem === undefined || eco === onlyEcosystem || eco.startsWith(`${onlyEcosystem}:`);
  for await (const doc of docs) {
    if (!doc.ok) {
      yield { kind: 'invalid', reason: doc.reason };
      continue;
    }
    for (const item of transformOsv(doc.value, feed)) {
      if (item.kind === 'record' && onlyEcosystem !== undefined) {
        yield { ...item, affected: item.affected.filter((a) => keep(a.ecosystem)) };
      } else yield item;
    }
  }
}

import { stat } from 'node:fs/promises';
import { appendAll } from '../core/append-all.js';
import { UsageError } from '../core/errors/usage-error.js';
import type { FeedBatch } from '../vulndb/import-types.js';
import { FEEDS, detectFeed, feedByName } from './feed-registry.js';
import { openNamed } from './feed-input-errors.js';
import { sniff } from './feed-sniff.js';

/**
 * Local inputs of `db import` → feed batches. The format is recognized from the name and the first
 * bytes (gzip looked through); `feed` forces one. Files are read lazily, inside the import.
 */
export async function batchesForPaths(paths: readonly string[], feed?: string): Promise<FeedBatch[]> {
  const forced = feed === undefined ? undefined : feedByName(feed);
  if (feed !== undefined && !forced) {
    throw new UsageError(`unknown feed ${feed}; known: ${FEEDS.map((f) => f.name).join(', ')}`);
  }
  const out: FeedBatch[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => undefined);
    if (!info) throw new UsageError(`no such file or directory: ${path}`);
    const s = await sniff(path);
    const def = forced ?? detectFeed(s);
    if (!def)
      throw new UsageError(
        `cannot tell which feed ${path} is; name it with --feed (${FEEDS.map((f) => f.name).join(', ')})`,
      );
    appendAll(out, await openNamed(path, () => def.open(path, { dataDate: info.mtime.toISOString() })));
  }
  return out;
}

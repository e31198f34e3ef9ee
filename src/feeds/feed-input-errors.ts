import { isVigilError } from '../core/errors/vigil-error.js';
import { jsonErrorReason } from '../core/json-error-reason.js';
import type { FeedBatch, FeedItem } from '../vulndb/import-types.js';
import { FeedReadError } from './feed-read-error.js';

/** A short, input-free reason for an error raised while reading a feed file. */
export function readFailureReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (err instanceof SyntaxError) return jsonErrorReason(err);
  if (typeof e.code === 'string' && e.code.startsWith('Z_'))
    return `corrupt or truncated compressed data (${e.message})`;
  if (typeof e.code === 'string') return e.code;
  return 'unreadable input';
}

async function* named(items: AsyncIterable<FeedItem>, path: string): AsyncGenerator<FeedItem> {
  try {
    yield* items;
  } catch (err) {
    throw isVigilError(err) ? err : new FeedReadError(path, readFailureReason(err), err);
  }
}

/**
 * The batches of one input file, with every failure while reading them (they are read lazily, inside
 * the import's transaction) turned into FEED_READ naming the file, instead of a raw zlib or JSON error.
 */
export async function openNamed(path: string, open: () => Promise<FeedBatch[]>): Promise<FeedBatch[]> {
  let batches: FeedBatch[];
  try {
    batches = await open();
  } catch (err) {
    throw isVigilError(err) ? err : new FeedReadError(path, readFailureReason(err), err);
  }
  return batches.map((b) => ({ ...b, items: named(b.items, path) }));
}

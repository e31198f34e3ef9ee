import { jsonErrorReason } from '../../core/json-error-reason.js';
import type { FeedItem } from '../../vulndb/import-types.js';
import { jsonLines, openMaybeGzip, type JsonLine } from '../../vulndb/line-reader.js';
import { FeedFormatError } from '../feed-format-error.js';

/**
 * JSON Lines (gzip or not). A first line that is not JSON means the file is not JSON Lines at all (an
 * HTML error page, a binary): refused whole with the feed's FEED_FORMAT before anything is yielded.
 * A bad line after a good one is a damaged record, reported for the caller to count.
 */
export async function* gatedJsonLines(path: string, feed: string): AsyncGenerator<JsonLine> {
  let first = true;
  for await (const l of jsonLines(await openMaybeGzip(path))) {
    if (first && !l.ok)
      throw new FeedFormatError(feed, `${path}: line ${l.line} is not JSON, so not JSON Lines`);
    first = false;
    yield l;
  }
}

/** JSON Lines through a per-line transform; unparsable lines after the first are counted as invalid. */
export async function* jsonlItems(
  path: string,
  feed: string,
  transform: (doc: unknown) => FeedItem[],
): AsyncGenerator<FeedItem> {
  for await (const l of gatedJsonLines(path, feed)) {
    if (l.ok) yield* transform(l.value);
    else yield { kind: 'invalid', reason: 'invalid JSON line' };
  }
}

/**
 * A whole JSON document (gzip or not), for feeds published as one document (KEV, NVD pages). Not JSON
 * at all (an HTML error page, a truncated download) is the feed's FEED_FORMAT, not a SyntaxError.
 */
export async function readJsonDocument(path: string, feed: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const c of await openMaybeGzip(path)) chunks.push(c);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch (err) {
    // Not quoted back: the file's bytes are not for a terminal or a log.
    throw new FeedFormatError(feed, `${path}: ${jsonErrorReason(err)}`);
  }
}

// eslint-disable-next-line @typescript-eslint/require-await -- adapts a computed list to the importer's async input
export async function* fromList(items: readonly FeedItem[]): AsyncGenerator<FeedItem> {
  yield* items;
}

/** Defers work that may throw (parse, gate) into the iteration, i.e. inside the import transaction. */
export async function* deferred(make: () => Promise<readonly FeedItem[]>): AsyncGenerator<FeedItem> {
  yield* await make();
}

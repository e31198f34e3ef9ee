import { open, rename, stat } from 'node:fs/promises';
import { isVigilError } from '../core/errors/vigil-error.js';
import { batchesForPaths } from '../feeds/feed-import.js';
import type { ChangeSet, FeedBatch, FeedItem } from '../vulndb/import-types.js';
import { ImportInputError } from './import-input-error.js';

/** The part of the server's vulnerability DB an upload writes through: the one importer. */
export interface ImportingVulnDb {
  import(batches: readonly FeedBatch[]): Promise<ChangeSet>;
}

/** An uploaded file on disk, under the name the client gave it (format and feed name are read from it). */
export interface UploadedFeedFile {
  path: string;
  /** What messages call the file (the client's name, never the server's temp path). */
  displayName: string;
  /** The client named the file; else a zip is told by its first bytes (anything else reads as JSON Lines or by its content). */
  named: boolean;
  /** The feed to read it as (`db import --feed`); default: recognized from the name and the bytes. */
  feed?: string;
}

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);
/** Items that are unparsable text rather than a record with a problem: an upload refuses them whole. */
const SYNTAX_INVALID = new Set(['invalid JSON line', 'invalid JSON document']);
/** Errors of the feed readers that mean "this input is not what it claims to be". */
const INPUT_CODES: Readonly<Record<string, 'UNRECOGNIZED' | 'UNREADABLE' | 'MALFORMED'>> = {
  USAGE: 'UNRECOGNIZED',
  FEED_READ: 'UNREADABLE',
  FEED_FORMAT: 'MALFORMED',
};

/**
 * Imports an uploaded feed file into the server's vulnerability DB through the same path as `vigil db
 * import` (format recognition, feed readers, the one-transaction importer with its change set and
 * import-log entry). Stricter than the CLI, since nobody is at a terminal to read a warning: a line or
 * document that is not JSON, or a file with no usable record at all, fails the whole upload inside the
 * transaction, so nothing is written. Record-level problems (an OSV record without an id) are counted
 * in the change set's `invalid`, as `db import` counts them.
 */
export async function importUploadedFile(
  vulnDb: ImportingVulnDb,
  file: UploadedFeedFile,
): Promise<ChangeSet> {
  const path = await pathToRead(file);
  try {
    const batches = await batchesForPaths([path], file.feed);
    const seen = { records: 0 };
    const strict = batches.map((b, i) => ({
      ...b,
      items: strictItems(b.items, seen, i === batches.length - 1, file.displayName),
    }));
    return await vulnDb.import(strict);
  } catch (err) {
    throw asInputError(err, path, file.displayName);
  }
}

/** Refuses an empty file; gives an unnamed zip the `.zip` name the OSV reader goes by. */
async function pathToRead(file: UploadedFeedFile): Promise<string> {
  const size = (await stat(file.path).catch(() => undefined))?.size ?? 0;
  if (size === 0) throw new ImportInputError('EMPTY', 'the request body is empty');
  if (file.named) return file.path;
  const head = Buffer.alloc(4);
  const fd = await open(file.path, 'r');
  try {
    await fd.read(head, 0, 4, 0);
  } finally {
    await fd.close();
  }
  if (!head.equals(ZIP_MAGIC)) return file.path;
  await rename(file.path, `${file.path}.zip`);
  return `${file.path}.zip`;
}

async function* strictItems(
  items: AsyncIterable<FeedItem>,
  seen: { records: number },
  last: boolean,
  name: string,
): AsyncGenerator<FeedItem> {
  for await (const item of items) {
    if (item.kind === 'invalid' && SYNTAX_INVALID.has(item.reason))
      throw new ImportInputError('MALFORMED', `${name}: ${item.reason} (after ${seen.records} records)`);
    if (item.kind === 'record' || item.kind === 'kev' || item.kind === 'epss') seen.records++;
    yield item;
  }
  if (last && seen.records === 0)
    throw new ImportInputError('NO_RECORDS', `${name} holds no record any feed can import`);
}

/** A reader's refusal as the upload's, its message naming the client's file instead of the temp path. */
function asInputError(err: unknown, path: string, displayName: string): unknown {
  if (!isVigilError(err) || err instanceof ImportInputError) return err;
  const problem = INPUT_CODES[err.code];
  if (!problem) return err;
  const message = err.message
    .split(path)
    .join(displayName)
    .replace('name it with --feed', 'name it with the feed query parameter');
  return new ImportInputError(problem, message, { cause: err.code });
}

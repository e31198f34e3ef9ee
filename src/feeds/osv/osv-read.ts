import { createReadStream } from 'node:fs';
import { open, readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Unzip, UnzipInflate, type UnzipFile } from 'fflate';
import { gatedJsonLines } from '../common/jsonl-feed.js';

/** A parsed JSON document from a feed file, or why it could not be parsed (counted as invalid). */
export type RawDoc = { ok: true; value: unknown } | { ok: false; reason: string };

/** JSON Lines, gzip or not: one OSV record per line (a file whose first line is not JSON is refused). */
export async function* readOsvJsonl(path: string, feed: string): AsyncGenerator<RawDoc> {
  for await (const l of gatedJsonLines(path, feed)) {
    yield l.ok ? { ok: true, value: l.value } : { ok: false, reason: 'invalid JSON line' };
  }
}

/** One pretty-printed OSV `.json` file. */
export async function* readOsvFile(path: string): AsyncGenerator<RawDoc> {
  yield parseDoc(await readFile(path, 'utf8'));
}

/** A directory tree of `*.json` OSV files (an unpacked osv.dev dump or an advisory-db checkout). */
export async function* readOsvDirectory(dir: string): AsyncGenerator<RawDoc> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  const files = entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
  for (const file of files) yield parseDoc(await readFile(file, 'utf8'));
}

/**
 * osv.dev's per-ecosystem `all.zip` (one JSON file per record), read as a stream with fflate so the
 * archive is never held in memory whole.
 */
export async function* readOsvZip(path: string): AsyncGenerator<RawDoc> {
  // The stream reader takes the local entries as they come and never reads the central directory: a
  // truncated download would import its first half without a word. A whole zip ends with its record.
  if (!(await endsWithCentralDirectory(path)))
    throw new Error('not a whole zip (no end of central directory record)');
  const ready: RawDoc[] = [];
  let failure: Error | undefined;
  const unzip = new Unzip((file: UnzipFile) => {
    if (!file.name.endsWith('.json')) return;
    const parts: Uint8Array[] = [];
    file.ondata = (err, data, final) => {
      if (err) {
        failure = err;
        return;
      }
      parts.push(data);
      if (final) ready.push(parseDoc(Buffer.concat(parts).toString('utf8')));
    };
    file.start();
  });
  unzip.register(UnzipInflate);
  for await (const chunk of createReadStream(path)) {
    unzip.push(chunk as Buffer);
    if (failure) throw failure;
    yield* ready.splice(0);
  }
  unzip.push(new Uint8Array(0), true);
  if (failure) throw failure;
  yield* ready.splice(0);
}

const EOCD = Buffer.from([0x50, 0x4b, 0x05, 0x06]);
/** The end-of-central-directory record: 22 bytes plus a comment of up to 65,535, at the very end. */
async function endsWithCentralDirectory(path: string): Promise<boolean> {
  const fd = await open(path, 'r');
  try {
    const { size } = await fd.stat();
    const length = Math.min(size, 22 + 0xffff);
    const tail = Buffer.alloc(length);
    await fd.read(tail, 0, length, size - length);
    for (let i = tail.lastIndexOf(EOCD); i >= 0; i = i === 0 ? -1 : tail.lastIndexOf(EOCD, i - 1)) {
      // The record's comment length must reach exactly to the end of the file.
      if (i + 22 <= length && i + 22 + tail.readUInt16LE(i + 20) === length) return true;
    }
    return false;
  } finally {
    await fd.close();
  }
}

function parseDoc(text: string): RawDoc {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch {
    return { ok: false, reason: 'invalid JSON document' };
  }
}

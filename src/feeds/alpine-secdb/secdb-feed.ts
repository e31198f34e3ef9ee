import { createReadStream } from 'node:fs';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import tar from 'tar-stream';
import { jsonErrorReason } from '../../core/json-error-reason.js';
import { appendAll } from '../../core/append-all.js';
import type { FeedBatch, FeedItem } from '../../vulndb/import-types.js';
import { FeedFormatError } from '../feed-format-error.js';
import { SECDB_FEED, transformSecdb } from './secdb-transform.js';

/**
 * Alpine secdb input: one `main.json`/`community.json`, a directory of them (the secdb site's layout
 * `v3.19/main.json`), or a `.tar.gz` of that tree. Each file becomes its own feed batch.
 */
export async function secdbFeeds(path: string, dataDate?: string): Promise<FeedBatch[]> {
  const docs: { name: string; text: string }[] = [];
  const info = await stat(path);
  if (info.isDirectory()) {
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    for (const e of entries.filter((x) => x.isFile() && x.name.endsWith('.json'))) {
      const file = join(e.parentPath, e.name);
      docs.push({ name: file, text: await readFile(file, 'utf8') });
    }
  } else if (/\.(tar\.gz|tgz|tar)$/.test(path)) appendAll(docs, await readTarJson(path));
  else docs.push({ name: path, text: await readFile(path, 'utf8') });
  docs.sort((a, b) => a.name.localeCompare(b.name));
  return docs.map((d) => secdbBatch(d.name, d.text, dataDate));
}

export function secdbBatch(name: string, text: string, dataDate?: string): FeedBatch {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new FeedFormatError(SECDB_FEED, `${name}: ${jsonErrorReason(err)}`);
  }
  const { feed, items } = transformSecdb(doc, dataDate);
  return { feed, items: fromArray(items) };
}

// eslint-disable-next-line @typescript-eslint/require-await -- the importer consumes async iterables
async function* fromArray(items: FeedItem[]): AsyncGenerator<FeedItem> {
  yield* items;
}

async function readTarJson(path: string): Promise<{ name: string; text: string }[]> {
  const out: { name: string; text: string }[] = [];
  const extract = tar.extract();
  const source = createReadStream(path);
  const input = path.endsWith('.tar') ? source : source.pipe(createGunzip());
  input.on('error', (err: Error) => extract.destroy(err));
  input.pipe(extract);
  for await (const entry of extract) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    if (entry.header.type === 'file' && entry.header.name.endsWith('.json')) {
      out.push({ name: entry.header.name, text: Buffer.concat(chunks).toString('utf8') });
    }
  }
  return out;
}

import { createReadStream } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { isGzipFile } from '../vulndb/line-reader.js';

/** What `db import` looks at to pick a feed: the name and the first bytes (gunzipped when gzip). */
export interface Sniff {
  path: string;
  name: string;
  isDir: boolean;
  isZip: boolean;
  isTar: boolean;
  /** First ~8 KB of text (of the first `.json` inside, for a directory). */
  head: string;
}

const HEAD_BYTES = 8192;

export async function sniff(path: string): Promise<Sniff> {
  const info = await stat(path);
  const name = basename(path);
  if (info.isDirectory()) {
    const entries = await readdir(path, { recursive: true, withFileTypes: true });
    const first = entries.find((e) => e.isFile() && e.name.endsWith('.json'));
    const head = first ? await readHead(join(first.parentPath, first.name)) : '';
    return { path, name, isDir: true, isZip: false, isTar: false, head };
  }
  const isZip = name.endsWith('.zip');
  const isTar = /\.(tar|tar\.gz|tgz)$/.test(name);
  return { path, name, isDir: false, isZip, isTar, head: isZip || isTar ? '' : await readHead(path) };
}

async function readHead(path: string): Promise<string> {
  const gz = await isGzipFile(path);
  const raw = createReadStream(path, gz ? {} : { end: HEAD_BYTES - 1 });
  const stream = gz ? raw.pipe(createGunzip()) : raw;
  const chunks: Buffer[] = [];
  let size = 0;
  try {
    for await (const c of stream) {
      chunks.push(c as Buffer);
      size += (c as Buffer).length;
      if (size >= HEAD_BYTES) break;
    }
  } catch {
    // A damaged file still gets a head; the import itself will report the damage.
  } finally {
    raw.destroy();
  }
  return Buffer.concat(chunks).subarray(0, HEAD_BYTES).toString('utf8');
}

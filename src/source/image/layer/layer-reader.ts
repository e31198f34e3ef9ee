import { open, type FileHandle } from 'node:fs/promises';
import { pipeline, type Readable } from 'node:stream';
import tar from 'tar-stream';
import type { Unknown } from '../../../core/unknown.js';
import { LayerCorruptError } from '../errors/layer-corrupt-error.js';
import { isVigilError } from '../../../core/errors/vigil-error.js';
import type { KeepPolicy } from './keep-policy.js';
import type { LayerEntry } from './layer-record.js';

type TarEntry = Readable & { header: tar.Header; resume(): unknown };

const HEAD_BYTES = 64;
const WHITEOUT = '.wh.';
const OPAQUE = '.wh..wh..opq';

export interface LayerReadOptions {
  policy: KeepPolicy;
  maxFileBytes: number;
  /** Where kept bodies are appended. */
  bodiesPath: string;
  layerDigest: string;
}

export interface LayerReadResult {
  entries: LayerEntry[];
  unknowns: Unknown[];
}

/** Normalizes a tar entry name; undefined when it is absolute or climbs (`..`): never trusted. */
export function entryPath(name: string): string | undefined {
  if (name.startsWith('/')) return undefined;
  const parts: string[] = [];
  for (const part of name.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') return undefined;
    parts.push(part);
  }
  return parts.join('/');
}

/** Appends kept bodies to one file: sequential writes, one descriptor, no file per entry. */
class BodySink {
  pos = 0;
  constructor(private readonly fh: FileHandle) {}
  async write(chunk: Buffer): Promise<void> {
    let done = 0;
    while (done < chunk.length) {
      const { bytesWritten } = await this.fh.write(chunk, done, chunk.length - done, this.pos);
      done += bytesWritten;
      this.pos += bytesWritten;
    }
  }
}

/**
 * Streams one layer's tar once: records every entry (path, type, link, size) and appends the bodies
 * the keep policy asks for to `bodiesPath`. Entry names are only ever used as keys, never as host
 * paths, so nothing a layer says can write outside the cache.
 */
export async function readLayerTar(tarStream: Readable, opts: LayerReadOptions): Promise<LayerReadResult> {
  const fh = await open(opts.bodiesPath, 'w');
  const sink = new BodySink(fh);
  const entries: LayerEntry[] = [];
  const unknowns: Unknown[] = [];
  const extract = tar.extract();
  // pipeline (not pipe): an error the tar stream already had still reaches `extract`. No await may come
  // between this and the loop: the iterator only sees errors emitted after it was created.
  pipeline(tarStream, extract, () => undefined);
  try {
    for await (const entry of extract) {
      const out = await readEntry(entry as unknown as TarEntry, sink, opts, unknowns);
      if (out) entries.push(out);
    }
  } catch (err) {
    throw isVigilError(err)
      ? err
      : new LayerCorruptError(`layer ${opts.layerDigest}: ${(err as Error).message}`, {}, { cause: err });
  } finally {
    await fh.close();
  }
  return { entries, unknowns };
}

async function readEntry(
  entry: TarEntry,
  sink: BodySink,
  opts: LayerReadOptions,
  unknowns: Unknown[],
): Promise<LayerEntry | undefined> {
  const h = entry.header;
  const path = entryPath(h.name);
  const hostile = (detail: string): undefined => {
    unknowns.push({
      path: '/' + h.name.replace(/^\/+/, ''),
      reason: 'hostile-path',
      detail,
      layerDigest: opts.layerDigest,
    });
    entry.resume();
    return undefined;
  };
  if (path === undefined) return hostile(`tar entry ${JSON.stringify(h.name)} is absolute or climbs with ..`);
  if (path === '') {
    entry.resume();
    return undefined;
  }
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dir = path.slice(0, Math.max(0, path.lastIndexOf('/')));
  if (base === OPAQUE) return skip(entry, { p: dir, t: 'q' });
  if (base.startsWith(WHITEOUT))
    return skip(entry, { p: dir ? `${dir}/${base.slice(4)}` : base.slice(4), t: 'w' });
  switch (h.type) {
    case 'directory':
      return skip(entry, { p: path, t: 'd' });
    case 'symlink':
      return skip(entry, { p: path, t: 's', link: h.linkname ?? '' });
    case 'link': {
      const target = entryPath(h.linkname ?? '');
      if (!target) return hostile(`hard link to ${JSON.stringify(h.linkname)} leaves the root`);
      return skip(entry, { p: path, t: 'h', link: target });
    }
    case 'file':
    case 'contiguous-file':
    case null:
    case undefined:
      return readFileEntry(entry, path, sink, opts);
    default:
      return skip(entry, { p: path, t: 'o' });
  }
}

function skip(entry: TarEntry, out: LayerEntry): LayerEntry {
  entry.resume();
  return out;
}

async function readFileEntry(
  entry: TarEntry,
  path: string,
  sink: BodySink,
  opts: LayerReadOptions,
): Promise<LayerEntry> {
  const size = entry.header.size ?? 0;
  const out: LayerEntry = { p: path, t: 'f', size, mode: entry.header.mode ?? 0o644 };
  const decision = opts.policy.decide(path);
  if (decision === 'none' || size === 0) return skip(entry, out);
  if (size > opts.maxFileBytes) {
    out.big = true;
    return skip(entry, out);
  }
  const start = sink.pos;
  let head: Buffer | undefined = decision === 'elf' ? Buffer.alloc(0) : undefined;
  let keeping = decision === 'keep';
  for await (const chunk of entry as AsyncIterable<Buffer>) {
    if (head) {
      // Decide on the first bytes: only ELF programs are worth keeping for the binary catalogers.
      head = Buffer.concat([head, chunk]);
      if (head.length < HEAD_BYTES && head.length < size) continue;
      keeping = isElfProgram(head, path);
      if (keeping) await sink.write(head);
      else out.head = head.subarray(0, HEAD_BYTES).toString('base64');
      head = undefined;
      continue;
    }
    if (keeping) await sink.write(chunk);
  }
  if (head) out.head = head.toString('base64');
  if (keeping) {
    out.off = start;
    out.len = sink.pos - start;
  }
  return out;
}

function isElfProgram(head: Buffer, path: string): boolean {
  const elf = head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46;
  return elf && !/\.so(?:\.[\d.]+)?$/.test(path);
}

import { inflateRawSync } from 'node:zlib';
import type { RandomAccessReader } from '../../source/resolver.js';
import { ZipEntryTooLargeError } from './zip-entry-too-large-error.js';

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  uncompressedSize: number;
  localHeaderOffset: number;
}

const EOCD_SIG = 0x06054b50;
const EOCD64_LOCATOR_SIG = 0x07064b50;
const EOCD64_SIG = 0x06064b50;
const CENTRAL_SIG = 0x02014b50;
const LOCAL_SIG = 0x04034b50;
const EOCD_MIN = 22;
/** The end record sits in the last 22 bytes plus an archive comment of at most 65535 bytes. */
const EOCD_SEARCH = EOCD_MIN + 0xffff;
/** A central directory past this is not a jar anyone ships (Spring Boot fat jars are a few MiB). */
const MAX_CENTRAL_DIRECTORY = 64 * 1024 * 1024;
const METHOD_STORED = 0;
const METHOD_DEFLATED = 8;
const U32_MAX = 0xffffffff;

/**
 * Reads the zip central directory with two or three positional reads (end record, optional ZIP64
 * record, directory), so a jar of any size costs only its directory. Undefined when not a zip.
 */
export async function readZipDirectory(reader: RandomAccessReader): Promise<ZipEntry[] | undefined> {
  const tailStart = Math.max(0, reader.size - EOCD_SEARCH);
  const tail = await reader.read(tailStart, reader.size - tailStart);
  let eocd = -1;
  for (let i = tail.length - EOCD_MIN; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIG) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) return undefined;
  let count = tail.readUInt16LE(eocd + 10);
  let size = tail.readUInt32LE(eocd + 12);
  let offset = tail.readUInt32LE(eocd + 16);
  if (offset === U32_MAX || size === U32_MAX || count === 0xffff) {
    const z64 = await readZip64End(reader, tailStart + eocd);
    if (!z64) return undefined;
    ({ count, size, offset } = z64);
  }
  if (size > MAX_CENTRAL_DIRECTORY || offset + size > reader.size) return undefined;
  return parseCentralDirectory(await reader.read(offset, size), count);
}

async function readZip64End(
  reader: RandomAccessReader,
  eocdPos: number,
): Promise<{ count: number; size: number; offset: number } | undefined> {
  if (eocdPos < 20) return undefined;
  const loc = await reader.read(eocdPos - 20, 20);
  if (loc.readUInt32LE(0) !== EOCD64_LOCATOR_SIG) return undefined;
  const recPos = Number(loc.readBigUInt64LE(8));
  const rec = await reader.read(recPos, 56);
  if (rec.length < 56 || rec.readUInt32LE(0) !== EOCD64_SIG) return undefined;
  return {
    count: Number(rec.readBigUInt64LE(32)),
    size: Number(rec.readBigUInt64LE(40)),
    offset: Number(rec.readBigUInt64LE(48)),
  };
}

function parseCentralDirectory(cd: Buffer, count: number): ZipEntry[] {
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count && p + 46 <= cd.length; i++) {
    if (cd.readUInt32LE(p) !== CENTRAL_SIG) break;
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      name: cd.toString('utf8', p + 46, p + 46 + nameLen),
      method: cd.readUInt16LE(p + 10),
      compressedSize: cd.readUInt32LE(p + 20),
      uncompressedSize: cd.readUInt32LE(p + 24),
      localHeaderOffset: cd.readUInt32LE(p + 42),
    };
    applyZip64Extra(entry, cd.subarray(p + 46 + nameLen, p + 46 + nameLen + extraLen));
    entries.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/** ZIP64 extra field (id 1): 64-bit values for whichever 32-bit fields were saturated, in order. */
function applyZip64Extra(entry: ZipEntry, extra: Buffer): void {
  for (let p = 0; p + 4 <= extra.length;) {
    const id = extra.readUInt16LE(p);
    const len = extra.readUInt16LE(p + 2);
    if (id === 1) {
      let q = p + 4;
      const next = (): number | undefined => {
        if (q + 8 > p + 4 + len || q + 8 > extra.length) return undefined;
        const v = Number(extra.readBigUInt64LE(q));
        q += 8;
        return v;
      };
      if (entry.uncompressedSize === U32_MAX) entry.uncompressedSize = next() ?? entry.uncompressedSize;
      if (entry.compressedSize === U32_MAX) entry.compressedSize = next() ?? entry.compressedSize;
      if (entry.localHeaderOffset === U32_MAX) entry.localHeaderOffset = next() ?? entry.localHeaderOffset;
      return;
    }
    p += 4 + len;
  }
}

/** Where an entry's data starts: after the local header, whose name/extra lengths may differ from the directory's. */
async function dataOffset(reader: RandomAccessReader, entry: ZipEntry): Promise<number | undefined> {
  const local = await reader.read(entry.localHeaderOffset, 30);
  if (local.length < 30 || local.readUInt32LE(0) !== LOCAL_SIG) return undefined;
  return entry.localHeaderOffset + 30 + local.readUInt16LE(26) + local.readUInt16LE(28);
}

/**
 * An entry's bytes, inflated with a hard output limit: the declared size is checked first and the
 * inflater itself stops at `maxBytes`, so a lying header cannot make it allocate more.
 */
export async function readZipEntry(
  reader: RandomAccessReader,
  entry: ZipEntry,
  maxBytes: number,
): Promise<Buffer | undefined> {
  if (entry.uncompressedSize > maxBytes) throw new ZipEntryTooLargeError(entry.name, maxBytes);
  if (entry.compressedSize > reader.size) return undefined;
  const start = await dataOffset(reader, entry);
  if (start === undefined) return undefined;
  const raw = await reader.read(start, entry.compressedSize);
  if (entry.method === METHOD_STORED) return raw;
  if (entry.method !== METHOD_DEFLATED) return undefined;
  try {
    return inflateRawSync(raw, { maxOutputLength: maxBytes });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE')
      throw new ZipEntryTooLargeError(entry.name, maxBytes);
    return undefined;
  }
}

/** A stored (uncompressed) nested archive read in place, through a window on the outer reader. */
export async function storedEntryReader(
  reader: RandomAccessReader,
  entry: ZipEntry,
): Promise<RandomAccessReader | undefined> {
  if (entry.method !== METHOD_STORED) return undefined;
  const start = await dataOffset(reader, entry);
  if (start === undefined || start + entry.compressedSize > reader.size) return undefined;
  const size = entry.compressedSize;
  return {
    size,
    read: (position, length) => reader.read(start + position, Math.max(0, Math.min(length, size - position))),
    close: () => Promise.resolve(),
  };
}

/** Random access over bytes already in memory (a deflated nested jar, once inflated). */
export function bufferReader(buf: Buffer): RandomAccessReader {
  return {
    size: buf.length,
    read: (position, length) =>
      Promise.resolve(buf.subarray(position, Math.min(buf.length, position + length))),
    close: () => Promise.resolve(),
  };
}

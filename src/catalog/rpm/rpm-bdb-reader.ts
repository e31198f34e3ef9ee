import type { RandomAccessReader } from '../../source/resolver.js';

/**
 * Header blobs from a Berkeley DB hash database (rpm < 4.16 `Packages`), read page by page with
 * positional reads, without libdb. Layout (from the libdb on-disk format): page 0 is the hash meta
 * page; hash pages hold an index of item offsets, items alternating key/data; rpm's headers are too
 * big for a page and live in chains of overflow pages referenced by H_OFFPAGE items. Every page
 * number, offset and length is checked against the file, and chains are walked at most once.
 */
const HASH_MAGIC = 0x061561;
const P_HASH_UNSORTED = 2;
const P_OVERFLOW = 7;
const P_HASHMETA = 8;
const P_HASH = 13;
const H_KEYDATA = 1;
const H_OFFPAGE = 3;
const PAGE_HEADER = 26;
/** rpm's header size limit: a longer chain is damage, not a header. */
const MAX_RECORD = 256 * 1024 * 1024;

export interface BlobScan {
  blobs: Buffer[];
  problems: string[];
}

interface Geometry {
  le: boolean;
  pageSize: number;
  lastPage: number;
}

export async function readBdbBlobs(file: RandomAccessReader): Promise<BlobScan> {
  const geo = readMeta(await file.read(0, 512), file.size);
  const blobs: Buffer[] = [];
  const problems: string[] = [];
  for (let pgno = 1; pgno <= geo.lastPage; pgno++) {
    const page = await file.read(pgno * geo.pageSize, geo.pageSize);
    if (page.length < geo.pageSize) break;
    const type = page[25];
    if (type !== P_HASH && type !== P_HASH_UNSORTED) continue;
    for (const item of dataItems(page, geo)) {
      try {
        const blob =
          item.kind === 'inline' ? item.bytes : await readOverflow(file, geo, item.pgno, item.length);
        // rpm's record 0 holds a 4-byte counter, not a header.
        if (blob.length > 16) blobs.push(blob);
      } catch (err) {
        problems.push(`page ${pgno}: ${(err as Error).message}`);
      }
    }
  }
  return { blobs, problems };
}

function readMeta(meta: Buffer, size: number): Geometry {
  if (meta.length < 72) throw new Error('file too short for a Berkeley DB meta page');
  const le = meta.readUInt32LE(12) === HASH_MAGIC;
  if (!le && meta.readUInt32BE(12) !== HASH_MAGIC) throw new Error('not a Berkeley DB hash database');
  const u32 = (at: number) => (le ? meta.readUInt32LE(at) : meta.readUInt32BE(at));
  const pageSize = u32(20);
  if (meta[25] !== P_HASHMETA) throw new Error(`meta page type ${meta[25]}, expected hash meta`);
  if (meta[24] !== 0) throw new Error('encrypted Berkeley DB databases are not read');
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0) {
    throw new Error(`implausible page size ${pageSize}`);
  }
  const lastPage = Math.min(u32(32), Math.floor(size / pageSize) - 1);
  return { le, pageSize, lastPage };
}

type Item = { kind: 'inline'; bytes: Buffer } | { kind: 'offpage'; pgno: number; length: number };

/** The data half of each key/data pair on a hash page. */
function dataItems(page: Buffer, geo: Geometry): Item[] {
  const u16 = (at: number) => (geo.le ? page.readUInt16LE(at) : page.readUInt16BE(at));
  const u32 = (at: number) => (geo.le ? page.readUInt32LE(at) : page.readUInt32BE(at));
  const entries = u16(20);
  const out: Item[] = [];
  if (PAGE_HEADER + entries * 2 > geo.pageSize) return out;
  const offsets = Array.from({ length: entries }, (_, i) => u16(PAGE_HEADER + i * 2));
  for (let i = 1; i < entries; i += 2) {
    const at = offsets[i] as number;
    // libdb's LEN_HITEM: an item ends where the one before it in the index starts.
    const end = offsets[i - 1] as number;
    if (at < PAGE_HEADER || at >= geo.pageSize || end > geo.pageSize || end <= at) continue;
    if (page[at] === H_OFFPAGE && at + 12 <= geo.pageSize) {
      out.push({ kind: 'offpage', pgno: u32(at + 4), length: u32(at + 8) });
    } else if (page[at] === H_KEYDATA) {
      out.push({ kind: 'inline', bytes: Buffer.from(page.subarray(at + 1, end)) });
    }
  }
  return out;
}

async function readOverflow(
  file: RandomAccessReader,
  geo: Geometry,
  first: number,
  length: number,
): Promise<Buffer> {
  if (length > MAX_RECORD) throw new Error(`overflow record of ${length} bytes`);
  const parts: Buffer[] = [];
  const seen = new Set<number>();
  let total = 0;
  for (let pgno = first; pgno !== 0 && total < length;) {
    if (pgno > geo.lastPage || seen.has(pgno)) throw new Error(`broken overflow chain at page ${pgno}`);
    seen.add(pgno);
    const page = await file.read(pgno * geo.pageSize, geo.pageSize);
    if (page.length < PAGE_HEADER || page[25] !== P_OVERFLOW)
      throw new Error(`page ${pgno} is not an overflow page`);
    const used = geo.le ? page.readUInt16LE(22) : page.readUInt16BE(22);
    const take = Math.min(used, geo.pageSize - PAGE_HEADER, length - total);
    parts.push(Buffer.from(page.subarray(PAGE_HEADER, PAGE_HEADER + take)));
    total += take;
    pgno = geo.le ? page.readUInt32LE(16) : page.readUInt32BE(16);
  }
  if (total !== length) throw new Error(`overflow chain holds ${total} of ${length} bytes`);
  return Buffer.concat(parts);
}

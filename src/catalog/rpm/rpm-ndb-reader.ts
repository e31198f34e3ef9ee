import type { RandomAccessReader } from '../../source/resolver.js';
import type { BlobScan } from './rpm-bdb-reader.js';

/**
 * Header blobs from rpm's own NDB format (`Packages.db`, SUSE's default), little-endian throughout.
 * The file starts with slot pages: a 16-byte file header ('RpmP', version, generation, slot page
 * count) and 16-byte slots ('Slot', package index, block offset, block count); the first two slot
 * positions hold the file header. A slot's blob starts at block offset × 16 with its own 16-byte
 * header ('BlbS', package index, checksum, length) followed by the header blob.
 */
const FILE_MAGIC = 0x506d7052; // 'RpmP'
const SLOT_MAGIC = 0x746f6c53; // 'Slot'
const BLOB_MAGIC = 0x53626c42; // 'BlbS'
const SLOT_PAGE = 4096;
const BLOCK = 16;
const MAX_BLOB = 256 * 1024 * 1024;

export async function readNdbBlobs(file: RandomAccessReader): Promise<BlobScan> {
  const head = await file.read(0, 16);
  if (head.length < 16 || head.readUInt32LE(0) !== FILE_MAGIC) throw new Error('not an rpm NDB database');
  if (head.readUInt32LE(4) !== 0) throw new Error(`NDB version ${head.readUInt32LE(4)} is not read`);
  const slotPages = head.readUInt32LE(12);
  if (slotPages === 0 || slotPages * SLOT_PAGE > file.size)
    throw new Error(`implausible slot page count ${slotPages}`);
  const slots = await file.read(0, slotPages * SLOT_PAGE);
  const blobs: Buffer[] = [];
  const problems: string[] = [];
  for (let at = 2 * BLOCK; at + BLOCK <= slots.length; at += BLOCK) {
    if (slots.readUInt32LE(at) !== SLOT_MAGIC) continue;
    const pkgIndex = slots.readUInt32LE(at + 4);
    if (pkgIndex === 0) continue; // free slot
    try {
      blobs.push(await readBlob(file, pkgIndex, slots.readUInt32LE(at + 8), slots.readUInt32LE(at + 12)));
    } catch (err) {
      problems.push(`package ${pkgIndex}: ${(err as Error).message}`);
    }
  }
  return { blobs, problems };
}

async function readBlob(
  file: RandomAccessReader,
  pkgIndex: number,
  blkOffset: number,
  blkCount: number,
): Promise<Buffer> {
  const start = blkOffset * BLOCK;
  const span = blkCount * BLOCK;
  if (start < SLOT_PAGE || span < 2 * BLOCK || span > MAX_BLOB || start + span > file.size) {
    throw new Error(`blob blocks ${blkOffset}+${blkCount} outside the file`);
  }
  const head = await file.read(start, BLOCK);
  if (head.readUInt32LE(0) !== BLOB_MAGIC || head.readUInt32LE(4) !== pkgIndex) {
    throw new Error(`no blob header for package ${pkgIndex} at ${start}`);
  }
  const length = head.readUInt32LE(12);
  if (BLOCK + length > span) throw new Error(`blob of ${length} bytes exceeds its ${span}-byte extent`);
  return file.read(start + BLOCK, length);
}

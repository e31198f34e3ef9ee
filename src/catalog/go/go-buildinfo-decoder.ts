import type { RandomAccessReader } from '../../source/resolver.js';
import { offsetOfAddress, PF_W, PF_X, PT_LOAD, type ElfFile } from './elf-reader.js';

/** What the Go linker embeds: the toolchain version line and the module info text (`go version -m`). */
export interface GoBuildInfo {
  goVersion: string;
  modinfo: string;
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
/** The Go toolchain scans this much of the data segment when the section header is gone. */
const SCAN_WINDOW = 64 * 1024;
/** Module info of the largest real binaries is tens of KiB; anything past this is not Go's. */
const MAX_STRING = 4 * 1024 * 1024;
const FLAG_INLINE_STRINGS = 2;
/** modinfo is wrapped in 16 sentinel bytes on each side so `runtime/debug` can find it. */
const SENTINEL_LEN = 16;

/**
 * Finds and decodes a Go binary's build info through positional reads, never the whole file. Both
 * layouts are read: Go ≥ 1.18 writes the two strings inline as uvarint-length + bytes after the
 * 32-byte header; older toolchains wrote two pointers to Go string headers (data pointer + length).
 */
export async function decodeGoBuildInfo(
  reader: RandomAccessReader,
  elf: ElfFile,
): Promise<GoBuildInfo | undefined> {
  const start = await findHeader(reader, elf);
  if (start === undefined) return undefined;
  const header = await reader.read(start, HEADER_SIZE);
  if (header.length < HEADER_SIZE) return undefined;
  const ptrSize = header[14] ?? 0;
  const flags = header[15] ?? 0;
  let goVersion: Buffer | undefined;
  let modinfo: Buffer | undefined;
  if (flags & FLAG_INLINE_STRINGS) {
    const v = await readVarintString(reader, start + HEADER_SIZE);
    if (!v) return undefined;
    goVersion = v.value;
    modinfo = (await readVarintString(reader, v.next))?.value;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) return undefined;
    // Before 1.18 the flags byte was only an endianness marker: any non-zero value means big endian.
    const ptr = pointerReader(ptrSize, flags !== 0);
    goVersion = await readGoString(reader, elf, ptr, ptr(header, 16));
    modinfo = await readGoString(reader, elf, ptr, ptr(header, 16 + ptrSize));
  }
  if (goVersion === undefined) return undefined;
  return { goVersion: goVersion.toString('utf8'), modinfo: stripSentinels(modinfo) };
}

async function findHeader(reader: RandomAccessReader, elf: ElfFile): Promise<number | undefined> {
  const section = elf.sections.find((s) => s.name === '.go.buildinfo');
  const base =
    section?.offset ??
    elf.segments.find((p) => p.type === PT_LOAD && (p.flags & (PF_X | PF_W)) === PF_W)?.offset;
  if (base === undefined) return undefined;
  const window = await reader.read(base, section ? HEADER_SIZE : SCAN_WINDOW);
  // The first 16-byte aligned magic with a whole header after it; indexOf scans natively, where a
  // subarray per step cost most of the time spent on the (many) binaries that are not Go.
  for (let i = window.indexOf(MAGIC); i !== -1; i = window.indexOf(MAGIC, i + 1)) {
    if (i + HEADER_SIZE > window.length) return undefined;
    if (i % ALIGN === 0) return base + i;
  }
  return undefined;
}

async function readVarintString(
  reader: RandomAccessReader,
  at: number,
): Promise<{ value: Buffer; next: number } | undefined> {
  const head = await reader.read(at, 10);
  let len = 0;
  let shift = 0;
  let i = 0;
  for (; i < head.length; i++) {
    const b = head[i] as number;
    len += (b & 0x7f) * 2 ** shift;
    shift += 7;
    if ((b & 0x80) === 0) break;
  }
  if (i === head.length || len > MAX_STRING) return undefined;
  const data = await reader.read(at + i + 1, len);
  if (data.length < len) return undefined;
  return { value: data, next: at + i + 1 + len };
}

type PointerReader = (b: Buffer, offset: number) => bigint;

function pointerReader(size: number, bigEndian: boolean): PointerReader {
  return (b, o) => {
    if (o + size > b.length) return 0n;
    if (size === 4) return BigInt(bigEndian ? b.readUInt32BE(o) : b.readUInt32LE(o));
    return bigEndian ? b.readBigUInt64BE(o) : b.readBigUInt64LE(o);
  };
}

/** Old layout: `addr` points at a Go string header {data *byte, len int} in the data segment. */
async function readGoString(
  reader: RandomAccessReader,
  elf: ElfFile,
  ptr: PointerReader,
  addr: bigint,
): Promise<Buffer | undefined> {
  const ptrSize = elf.is64 ? 8 : 4;
  const hdrOff = offsetOfAddress(elf, addr);
  if (hdrOff === undefined) return undefined;
  const hdr = await reader.read(hdrOff, 2 * ptrSize);
  const dataOff = offsetOfAddress(elf, ptr(hdr, 0));
  const len = ptr(hdr, ptrSize);
  if (dataOff === undefined || len > BigInt(MAX_STRING)) return undefined;
  return reader.read(dataOff, Number(len));
}

/** On bytes, not text: the sentinels are not UTF-8 and would change length once decoded. */
function stripSentinels(mod: Buffer | undefined): string {
  if (mod && mod.length >= 2 * SENTINEL_LEN + 1 && mod[mod.length - SENTINEL_LEN - 1] === 0x0a) {
    return mod.toString('utf8', SENTINEL_LEN, mod.length - SENTINEL_LEN);
  }
  return '';
}

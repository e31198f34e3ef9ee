import type { RandomAccessReader } from '../../source/resolver.js';

/** A section header: enough to find `.go.buildinfo` or `.dep-v0` and read it. */
export interface ElfSection {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  size: number;
}

/** A program header: maps virtual addresses (Go's buildinfo pointers) back to file offsets. */
export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  filesz: number;
}

export interface ElfFile {
  is64: boolean;
  littleEndian: boolean;
  sections: ElfSection[];
  segments: ElfSegment[];
}

export const PT_LOAD = 1;
export const PF_X = 1;
export const PF_W = 2;
const SHT_NOBITS = 8;
/** Headers of real binaries are a few KiB; a larger table is a hostile or broken file. */
const MAX_HEADER_TABLE = 4 * 1024 * 1024;
const ELF_MAGIC = Buffer.from([0x7f, 0x45, 0x4c, 0x46]);

/**
 * Reads only the ELF header, program headers, section headers and the section-name string table, so
 * a 100 MB binary costs a few KiB of reads. Returns undefined for anything that is not a sane ELF.
 * With `only`, just the sections of those names are kept: a host has thousands of programs and the
 * binary catalogers want one or two sections of each.
 */
export async function readElf(
  reader: RandomAccessReader,
  only?: ReadonlySet<string>,
): Promise<ElfFile | undefined> {
  const ident = await reader.read(0, 64);
  if (ident.length < 52 || !ident.subarray(0, 4).equals(ELF_MAGIC)) return undefined;
  const is64 = ident[4] === 2;
  const littleEndian = ident[5] === 1;
  const r = fieldReader(ident, littleEndian);
  const phoff = is64 ? r.u64(32) : r.u32(28);
  const shoff = is64 ? r.u64(40) : r.u32(32);
  const phentsize = r.u16(is64 ? 54 : 42);
  const phnum = r.u16(is64 ? 56 : 44);
  const shentsize = r.u16(is64 ? 58 : 46);
  const shnum = r.u16(is64 ? 60 : 48);
  const shstrndx = r.u16(is64 ? 62 : 50);
  const segments = await readTable(reader, phoff, phentsize, phnum, (b) =>
    parseSegment(b, is64, littleEndian),
  );
  const entries = await readTable(reader, shoff, shentsize, shnum, (b) => b);
  const table = entries[shstrndx];
  const names = table && parseSection(table, is64, littleEndian);
  const strtab =
    names && names.size <= MAX_HEADER_TABLE ? await reader.read(names.offset, names.size) : Buffer.alloc(0);
  const sections: ElfSection[] = [];
  for (const entry of entries) {
    const name = cString(strtab, fieldReader(entry, littleEndian).u32(0));
    if (only && !only.has(name)) continue;
    const { nameOffset: _offset, ...header } = parseSection(entry, is64, littleEndian);
    sections.push({ ...header, name });
  }
  return { is64, littleEndian, sections, segments };
}

/** A section's bytes, refused over `maxBytes` (a hostile header could claim gigabytes). */
export async function readSection(
  reader: RandomAccessReader,
  section: ElfSection,
  maxBytes: number,
): Promise<Buffer | undefined> {
  if (section.type === SHT_NOBITS || section.size > maxBytes) return undefined;
  return reader.read(section.offset, section.size);
}

/** File offset of a virtual address, through the PT_LOAD segment that maps it. */
export function offsetOfAddress(elf: ElfFile, addr: bigint): number | undefined {
  for (const p of elf.segments) {
    if (p.type !== PT_LOAD) continue;
    if (addr >= p.vaddr && addr < p.vaddr + BigInt(p.filesz)) return p.offset + Number(addr - p.vaddr);
  }
  return undefined;
}

async function readTable<T>(
  reader: RandomAccessReader,
  offset: number,
  entSize: number,
  count: number,
  parse: (b: Buffer) => T,
): Promise<T[]> {
  if (count === 0 || entSize === 0 || entSize * count > MAX_HEADER_TABLE) return [];
  const buf = await reader.read(offset, entSize * count);
  const out: T[] = [];
  for (let i = 0; i + entSize <= buf.length; i += entSize) out.push(parse(buf.subarray(i, i + entSize)));
  return out;
}

function parseSegment(b: Buffer, is64: boolean, le: boolean): ElfSegment {
  const r = fieldReader(b, le);
  if (is64) {
    return { type: r.u32(0), flags: r.u32(4), offset: r.u64(8), vaddr: r.big(16), filesz: r.u64(32) };
  }
  return { type: r.u32(0), offset: r.u32(4), vaddr: BigInt(r.u32(8)), filesz: r.u32(16), flags: r.u32(24) };
}

function parseSection(
  b: Buffer,
  is64: boolean,
  le: boolean,
): Omit<ElfSection, 'name'> & { nameOffset: number } {
  const r = fieldReader(b, le);
  if (is64) {
    return {
      nameOffset: r.u32(0),
      type: r.u32(4),
      flags: r.u64(8),
      addr: r.big(16),
      offset: r.u64(24),
      size: r.u64(32),
    };
  }
  return {
    nameOffset: r.u32(0),
    type: r.u32(4),
    flags: r.u32(8),
    addr: BigInt(r.u32(12)),
    offset: r.u32(16),
    size: r.u32(20),
  };
}

interface FieldReader {
  u16(o: number): number;
  u32(o: number): number;
  u64(o: number): number;
  big(o: number): bigint;
}

/** Bounds-tolerant reads: a truncated header yields zeros, which later checks reject. */
function fieldReader(b: Buffer, le: boolean): FieldReader {
  const ok = (o: number, n: number): boolean => o + n <= b.length;
  const big = (o: number): bigint => (ok(o, 8) ? (le ? b.readBigUInt64LE(o) : b.readBigUInt64BE(o)) : 0n);
  return {
    u16: (o) => (ok(o, 2) ? (le ? b.readUInt16LE(o) : b.readUInt16BE(o)) : 0),
    u32: (o) => (ok(o, 4) ? (le ? b.readUInt32LE(o) : b.readUInt32BE(o)) : 0),
    u64: (o) => {
      const v = big(o);
      return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
    },
    big,
  };
}

function cString(b: Buffer, offset: number): string {
  if (offset >= b.length) return '';
  const end = b.indexOf(0, offset);
  return b.toString('latin1', offset, end < 0 ? b.length : end);
}

import { describe, expect, it } from 'vitest';
import type { RandomAccessReader } from '../../source/resolver.js';
import { readElf } from './elf-reader.js';
import { decodeGoBuildInfo } from './go-buildinfo-decoder.js';

const VADDR = 0x400000n;
// The 16-byte markers cmd/link writes around modinfo (runtime/debug's infoStart/infoEnd).
const START = Buffer.from('3077af0c9274080241e1c107e6d618e6', 'hex');
const END = Buffer.from('f932433186182072008242104116d8f2', 'hex');
const MODINFO =
  'path\texample.com/old\nmod\texample.com/old\tv0.1.0\t\ndep\tgolang.org/x/text\tv0.3.7\th1:x=\n';

function memoryReader(buf: Buffer): RandomAccessReader {
  return {
    size: buf.length,
    read: (pos, len) => Promise.resolve(buf.subarray(pos, Math.min(buf.length, pos + len))),
    close: () => Promise.resolve(),
  };
}

/** A minimal ELF64 with one writable PT_LOAD and no section headers, so the decoder must scan for the magic. */
function syntheticElf(buildinfo: (file: Buffer) => void): Buffer {
  const file = Buffer.alloc(0x400);
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]).copy(file, 0);
  file.writeBigUInt64LE(64n, 32); // phoff
  file.writeUInt16LE(56, 54); // phentsize
  file.writeUInt16LE(1, 56); // phnum
  file.writeUInt32LE(1, 64); // PT_LOAD
  file.writeUInt32LE(6, 68); // PF_R | PF_W
  file.writeBigUInt64LE(0n, 72); // offset
  file.writeBigUInt64LE(VADDR, 80); // vaddr
  file.writeBigUInt64LE(BigInt(file.length), 96); // filesz
  Buffer.from('\xff Go buildinf:', 'latin1').copy(file, 0x100);
  buildinfo(file);
  return file;
}

async function decode(file: Buffer) {
  const reader = memoryReader(file);
  const elf = await readElf(reader);
  if (!elf) throw new Error('not an ELF');
  return decodeGoBuildInfo(reader, elf);
}

describe('Go build info layouts', () => {
  it('pre-1.18 pointer layout: pointers to Go string headers, found by scanning the data segment', async () => {
    const modinfo = Buffer.concat([START, Buffer.from(MODINFO), END]);
    const file = syntheticElf((f) => {
      f[0x10e] = 8; // pointer size
      f[0x10f] = 0; // little endian, strings by pointer
      f.writeBigUInt64LE(VADDR + 0x140n, 0x110);
      f.writeBigUInt64LE(VADDR + 0x150n, 0x118);
      f.writeBigUInt64LE(VADDR + 0x200n, 0x140);
      f.writeBigUInt64LE(8n, 0x148);
      f.writeBigUInt64LE(VADDR + 0x210n, 0x150);
      f.writeBigUInt64LE(BigInt(modinfo.length), 0x158);
      Buffer.from('go1.16.1').copy(f, 0x200);
      modinfo.copy(f, 0x210);
    });
    expect(await decode(file)).toEqual({ goVersion: 'go1.16.1', modinfo: MODINFO });
  });

  it('1.18+ inline layout: uvarint-length strings after the header', async () => {
    const modinfo = Buffer.concat([START, Buffer.from(MODINFO), END]);
    const file = syntheticElf((f) => {
      f[0x10e] = 8;
      f[0x10f] = 2; // inline strings
      f[0x120] = 9;
      Buffer.from('go1.21.13').copy(f, 0x121);
      f[0x12a] = modinfo.length; // < 128: one varint byte
      modinfo.copy(f, 0x12b);
    });
    expect(await decode(file)).toEqual({ goVersion: 'go1.21.13', modinfo: MODINFO });
  });

  it('no magic: no build info; a hostile pointer outside every segment: no build info', async () => {
    expect(await decode(syntheticElf((f) => f.fill(0, 0x100, 0x110)))).toBeUndefined();
    const hostile = syntheticElf((f) => {
      f[0x10e] = 8;
      f.writeBigUInt64LE(0xdeadbeefn, 0x110);
    });
    expect(await decode(hostile)).toBeUndefined();
  });
});

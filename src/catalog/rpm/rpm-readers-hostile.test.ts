import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures/shared-data.js';
import type { RandomAccessReader } from '../../source/resolver.js';
import { readBdbBlobs } from './rpm-bdb-reader.js';
import { RpmHeader } from './rpm-header-parser.js';
import { readNdbBlobs } from './rpm-ndb-reader.js';
import { toRpmInstalled } from './rpm-package-mapper.js';

const DATA = sharedData('rpmdb');

/** In-memory positional reads with the same short-read semantics as the directory resolver's. */
function memReader(buf: Buffer): RandomAccessReader {
  return {
    size: buf.length,
    read: (position, length) => Promise.resolve(Buffer.from(buf.subarray(position, position + length))),
    close: () => Promise.resolve(),
  };
}

/** Deterministic pseudo-random generator, so a failure reproduces. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function mutate(buf: Buffer, rand: () => number, flips: number): Buffer {
  const out = Buffer.from(buf);
  for (let i = 0; i < flips; i++) out[Math.floor(rand() * out.length)] = Math.floor(rand() * 256);
  return out;
}

/** Every header must either decode or throw an Error; anything else (hang, RangeError escape) fails. */
function decodeAll(blobs: Buffer[]): number {
  let ok = 0;
  for (const b of blobs) {
    try {
      if (toRpmInstalled(RpmHeader.parse(b))) ok++;
    } catch (err) {
      expect(err).toBeInstanceOf(Error);
    }
  }
  return ok;
}

describe('rpm readers on hostile input', () => {
  it.each([
    ['libuuid-bdb/Packages', readBdbBlobs],
    ['sle15-bci-ndb/Packages.db', readNdbBlobs],
  ] as const)('%s: 150 randomly damaged copies never crash or loop', async (file, read) => {
    const real = readFileSync(join(DATA, file));
    const rand = rng(42);
    let readable = 0;
    for (let i = 0; i < 150; i++) {
      const damaged = mutate(real, rand, 1 + Math.floor(rand() * 64));
      try {
        const scan = await read(memReader(damaged));
        readable += decodeAll(scan.blobs) > 0 ? 1 : 0;
      } catch (err) {
        expect(err).toBeInstanceOf(Error); // a damaged file header: rejected with a reason
      }
    }
    expect(readable).toBeGreaterThan(0); // most damage hits data, not structure
  });

  it('rejects header blobs whose counts or offsets point outside the blob', () => {
    const blob = Buffer.alloc(8 + 16 + 4);
    blob.writeUInt32BE(1, 0); // one entry
    blob.writeUInt32BE(4, 4); // 4 data bytes
    blob.writeInt32BE(1000, 8); // NAME
    blob.writeUInt32BE(6, 12); // STRING
    blob.writeInt32BE(100, 16); // offset beyond the data store
    blob.writeUInt32BE(1, 20);
    expect(() => RpmHeader.parse(blob)).toThrow(/outside the data store/);
    blob.writeUInt32BE(0xfffffff, 0);
    expect(() => RpmHeader.parse(blob)).toThrow(/implausible/);
    expect(() => RpmHeader.parse(Buffer.alloc(3))).toThrow(Error);
    const unterminated = Buffer.from(blob);
    unterminated.writeUInt32BE(1, 0);
    unterminated.writeInt32BE(0, 16);
    unterminated.write('abcd', 24);
    expect(() => RpmHeader.parse(unterminated).string(1000)).toThrow(/unterminated/);
  });

  it('stops at an overflow chain that loops back on itself', async () => {
    const real = readFileSync(join(DATA, 'libuuid-bdb/Packages'));
    const pageSize = real.readUInt32LE(20);
    const looped = Buffer.from(real);
    // Point every overflow page's next_pgno at itself.
    for (let p = 1; p * pageSize < looped.length; p++) {
      if (looped[p * pageSize + 25] === 7) looped.writeUInt32LE(p, p * pageSize + 16);
    }
    const scan = await readBdbBlobs(memReader(looped));
    expect(scan.blobs).toEqual([]);
    expect(scan.problems.join(' ')).toMatch(/broken overflow chain|holds/);
  });
});

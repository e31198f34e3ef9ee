import { open, type FileHandle } from 'node:fs/promises';
import { LayerCorruptError } from '../errors/layer-corrupt-error.js';
import { entryPath } from '../layer/layer-reader.js';

export interface TarMember {
  offset: number;
  size: number;
}

const BLOCK = 512;

/**
 * Lists the regular files of a tar file with their data offsets, reading only headers (skipping
 * data by seeking), so an archive's layers can then be streamed straight from the file. Handles
 * ustar prefixes, GNU long names and PAX `path` records.
 */
export async function indexTar(path: string): Promise<Map<string, TarMember>> {
  const fh = await open(path, 'r');
  try {
    return await walk(fh, (await fh.stat()).size);
  } finally {
    await fh.close();
  }
}

async function walk(fh: FileHandle, fileSize: number): Promise<Map<string, TarMember>> {
  const out = new Map<string, TarMember>();
  const header = Buffer.alloc(BLOCK);
  let pos = 0;
  let longName: string | undefined;
  while (pos + BLOCK <= fileSize) {
    await readFully(fh, header, pos);
    if (header.every((b) => b === 0)) break;
    const size = octal(header.subarray(124, 136));
    const type = String.fromCharCode(header[156] ?? 0);
    const dataStart = pos + BLOCK;
    if (dataStart + size > fileSize) throw new LayerCorruptError(`archive truncated at offset ${pos}`);
    if (type === 'L' || type === 'x') {
      const data = Buffer.alloc(size);
      await readFully(fh, data, dataStart);
      longName = type === 'L' ? cstring(data) : paxPath(data);
    } else {
      const name = longName ?? ustarName(header);
      longName = undefined;
      const p = entryPath(name);
      if (p !== undefined && (type === '0' || type === '\0' || type === '7'))
        out.set(p, { offset: dataStart, size });
    }
    pos = dataStart + Math.ceil(size / BLOCK) * BLOCK;
  }
  return out;
}

async function readFully(fh: FileHandle, buf: Buffer, position: number): Promise<void> {
  let filled = 0;
  while (filled < buf.length) {
    const { bytesRead } = await fh.read(buf, filled, buf.length - filled, position + filled);
    if (bytesRead === 0) throw new LayerCorruptError(`archive truncated at offset ${position}`);
    filled += bytesRead;
  }
}

function cstring(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

function octal(b: Buffer): number {
  // GNU base-256 for sizes over 8 GiB.
  if ((b[0] ?? 0) & 0x80) return Number(b.readBigUInt64BE(4));
  const text = cstring(b).trim();
  return text ? parseInt(text, 8) : 0;
}

function ustarName(h: Buffer): string {
  const name = cstring(h.subarray(0, 100));
  const magic = h.subarray(257, 262).toString('latin1');
  const prefix = magic === 'ustar' ? cstring(h.subarray(345, 500)) : '';
  return prefix ? `${prefix}/${name}` : name;
}

function paxPath(data: Buffer): string | undefined {
  for (const line of data.toString('utf8').split('\n')) {
    const m = /^\d+ path=(.*)$/.exec(line);
    if (m) return m[1];
  }
  return undefined;
}

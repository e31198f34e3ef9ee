import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { ImageNotFoundError } from '../errors/image-not-found-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { entryPath } from '../layer/layer-reader.js';
import { indexTar, type TarMember } from './tar-index.js';

/** Named files of an image on disk: a directory, or a tar read in place (no extraction). */
export interface ArchiveStore {
  describe(): string;
  size(name: string): Promise<number>;
  read(name: string, limit: number): Promise<Buffer>;
  stream(name: string): Promise<Readable>;
}

async function readBounded(
  path: string,
  start: number,
  size: number,
  limit: number,
  name: string,
): Promise<Buffer> {
  if (size > limit)
    throw new ManifestTooLargeError(`${name} is ${size} bytes, over the ${limit}-byte limit`, {
      name,
      size,
      limit,
    });
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(size);
    let filled = 0;
    while (filled < size) {
      const { bytesRead } = await fh.read(buf, filled, size - filled, start + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    return buf.subarray(0, filled);
  } finally {
    await fh.close();
  }
}

/** Names inside the image are checked like tar entries: `../x` or `/x` never leave the directory. */
function safeName(name: string): string {
  const p = entryPath(name);
  if (!p) throw new ImageNotFoundError(`refusing path ${JSON.stringify(name)} from the image's own index`);
  return p;
}

export class DirectoryStore implements ArchiveStore {
  constructor(private readonly dir: string) {}
  describe(): string {
    return this.dir;
  }
  async size(name: string): Promise<number> {
    try {
      return (await stat(join(this.dir, safeName(name)))).size;
    } catch {
      throw new ImageNotFoundError(`${name} not found in ${this.dir}`);
    }
  }
  async read(name: string, limit: number): Promise<Buffer> {
    return readBounded(join(this.dir, safeName(name)), 0, await this.size(name), limit, name);
  }
  async stream(name: string): Promise<Readable> {
    await this.size(name);
    return createReadStream(join(this.dir, safeName(name)), { highWaterMark: 1024 * 1024 });
  }
}

export class TarStore implements ArchiveStore {
  private members: Map<string, TarMember> | undefined;
  constructor(private readonly file: string) {}
  describe(): string {
    return this.file;
  }
  private async member(name: string): Promise<TarMember> {
    this.members ??= await indexTar(this.file);
    const m = this.members.get(safeName(name));
    if (!m) throw new ImageNotFoundError(`${name} not found in ${this.file}`);
    return m;
  }
  async size(name: string): Promise<number> {
    return (await this.member(name)).size;
  }
  async read(name: string, limit: number): Promise<Buffer> {
    const m = await this.member(name);
    return readBounded(this.file, m.offset, m.size, limit, name);
  }
  async stream(name: string): Promise<Readable> {
    const m = await this.member(name);
    if (m.size === 0) return createReadStream(this.file, { start: 1, end: 0 });
    return createReadStream(this.file, {
      start: m.offset,
      end: m.offset + m.size - 1,
      highWaterMark: 1024 * 1024,
    });
  }
}

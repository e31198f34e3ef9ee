import { open, readFile, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { CatalogerFile } from '../../src/catalog/cataloger.js';

/**
 * A CatalogerFile over one host file, for tests on binaries that live on this machine
 * (`/usr/bin/skopeo`): a DirectoryResolver over `/` would walk the whole disk to find one file.
 */
export async function hostFile(path: string): Promise<CatalogerFile> {
  const { size } = await stat(path);
  return {
    path,
    size,
    read: () => readFile(path),
    open: async () => {
      const handle = await open(path, 'r');
      return {
        size,
        read: async (position: number, length: number) => {
          const buf = Buffer.alloc(Math.max(0, Math.min(length, size - position)));
          const { bytesRead } = await handle.read(buf, 0, buf.length, position);
          return buf.subarray(0, bytesRead);
        },
        close: () => handle.close(),
      };
    },
    readSibling: async (p: string) =>
      readFile(p.startsWith('/') ? p : join(dirname(path), p)).catch(() => undefined),
  };
}

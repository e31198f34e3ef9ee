import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGzip } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import tar from 'tar-stream';
import { openImage } from '../../src/source/image/image-open.js';
import { tarBytes, writeOciLayout } from './fixtures/oci-layout-writer.js';

const work = mkdtempSync(join(tmpdir(), 'vigil-hostile-'));
const sentinel = join(work, 'sentinel');
mkdirSync(sentinel);
const cacheDir = join(work, 'cache');
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Every file the scan left anywhere under `work`, except the layout itself and the cache. */
function strayFiles(): string[] {
  return readdirSync(sentinel, { recursive: true }).map(String);
}

describe('hostile images', () => {
  it('skips traversal, absolute and symlink-escaping entries, records them, writes nothing outside the cache', async () => {
    const layer = await tarBytes([
      { name: '../../etc/passwd', body: 'root::0:0::/:/bin/sh\n' },
      { name: `../../../../../../../../..${sentinel}/dotdot`, body: 'x' },
      { name: `${sentinel}/absolute`, body: 'x' },
      { name: 'esc', type: 'symlink', linkname: `../../../../../../../../..${sentinel}` },
      { name: 'esc/through-link', body: 'x' },
      { name: 'abs', type: 'symlink', linkname: sentinel },
      { name: 'abs/in-root', body: 'chroot semantics: lands inside the image' },
      { name: 'ok', type: 'link', linkname: '../../../etc/shadow' },
      { name: 'etc/os-release', body: 'ID=debian\n' },
    ]);
    const dir = join(work, 'traversal');
    writeOciLayout(dir, [{ tar: layer }]);
    const img = await openImage(`oci:${dir}`, { cacheDir, interests: [], layerCache: false });
    try {
      const hostile = img.resolver.unknowns.filter((u) => u.reason === 'hostile-path').map((u) => u.path);
      expect(hostile).toEqual([
        '/../../etc/passwd',
        `/../../../../../../../../..${sentinel}/dotdot`,
        `${sentinel}/absolute`,
        '/ok',
        '/esc/through-link',
      ]);
      expect((await img.resolver.readFile(`${sentinel}/in-root`)).toString()).toMatch(/inside the image/);
      expect(await img.resolver.stat('/etc/passwd')).toBeUndefined();
    } finally {
      await img.close();
    }
    expect(strayFiles()).toEqual([]);
    expect(
      existsSync('/etc/passwd') && readFileSync('/etc/passwd', 'utf8').startsWith('root::0:0::/:/bin/sh'),
    ).toBe(false);
  });

  it('rejects a blob whose bytes do not match its digest', async () => {
    const dir = join(work, 'mismatch');
    const w = writeOciLayout(dir, [{ tar: await tarBytes([{ name: 'a', body: 'a'.repeat(1000) }]) }]);
    const blob = join(dir, 'blobs/sha256', (w.layerDigests[0] as string).slice(7));
    const bytes = readFileSync(blob);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] ?? 0) ^ 0xff;
    writeFileSync(blob, bytes);
    await expect(openImage(`oci:${dir}`, { cacheDir, layerCache: false })).rejects.toMatchObject({
      code: 'DIGEST_MISMATCH',
    });
  });

  it('stops a gzip bomb at the ratio limit', async () => {
    const dir = join(work, 'bomb');
    const w = writeOciLayout(dir, [{ tar: await tarBytes([{ name: 'x', body: 'x' }]) }]);
    // Replace the layer with 256 MiB of zeros in a tar, gzip -9 (about 250 KB); digest updated to match.
    const blob = await gzipBomb(256 * 1024 ** 2);
    const digest = `sha256:${createHash('sha256').update(blob).digest('hex')}`;
    writeFileSync(join(dir, 'blobs/sha256', digest.slice(7)), blob);
    const manifestPath = rewriteLayer(dir, w.layerDigests[0] as string, digest, blob.length);
    expect(existsSync(manifestPath)).toBe(true);
    await expect(openImage(`oci:${dir}`, { cacheDir, layerCache: false })).rejects.toMatchObject({
      code: 'DECOMPRESSION_RATIO_EXCEEDED',
    });
  });

  it('refuses a 10 MB manifest before parsing it', async () => {
    const dir = join(work, 'big-manifest');
    writeOciLayout(dir, [{ tar: await tarBytes([{ name: 'a', body: 'a' }]) }], 'latest', 10 * 1024 * 1024);
    await expect(openImage(`oci:${dir}`, { cacheDir, layerCache: false })).rejects.toMatchObject({
      code: 'MANIFEST_TOO_LARGE',
    });
  });

  it('refuses an image over the size limit', async () => {
    const dir = join(work, 'big');
    writeOciLayout(dir, [{ tar: await tarBytes([{ name: 'a', body: Buffer.alloc(200_000, 7) }]) }]);
    await expect(
      openImage(`oci:${dir}`, { cacheDir, layerCache: false, limits: { maxImageBytes: 100_000 } }),
    ).rejects.toMatchObject({ code: 'IMAGE_SIZE_EXCEEDED' });
  });
});

async function gzipBomb(size: number): Promise<Buffer> {
  const pack = tar.pack();
  const gz = createGzip({ level: 9 });
  const chunks: Buffer[] = [];
  gz.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<void>((resolve, reject) => gz.on('end', resolve).on('error', reject));
  pack.pipe(gz);
  const entry = pack.entry({ name: 'zeros', size, type: 'file' });
  const zero = Buffer.alloc(1024 * 1024);
  for (let written = 0; written < size; written += zero.length) {
    if (!entry.write(zero)) await new Promise<void>((r) => entry.once('drain', () => r()));
  }
  entry.end(Buffer.alloc(0));
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

/** Points the manifest's only layer at another blob (the config's diff_id is left: the bomb never gets that far). */
function rewriteLayer(dir: string, oldDigest: string, newDigest: string, size: number): string {
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as {
    manifests: { digest: string; size: number }[];
  };
  const m = index.manifests[0] as { digest: string; size: number };
  const path = join(dir, 'blobs/sha256', m.digest.slice(7));
  const manifest = readFileSync(path, 'utf8')
    .replace(oldDigest, newDigest)
    .replace(/"size":\d+}\]/, `"size":${size}}]`);
  const digest = `sha256:${createHash('sha256').update(manifest).digest('hex')}`;
  writeFileSync(join(dir, 'blobs/sha256', digest.slice(7)), manifest);
  m.digest = digest;
  m.size = Buffer.byteLength(manifest);
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  return join(dir, 'blobs/sha256', digest.slice(7));
}

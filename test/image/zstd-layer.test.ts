import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import type { Package } from '../../src/core/package.js';
import { inventoryImage } from '../../src/catalog/image-inventory.js';
import type { ImageMetadata } from '../../src/source/image/image-metadata.js';
import { LayerCorruptError } from '../../src/source/image/errors/layer-corrupt-error.js';
import { openImage } from '../../src/source/image/image-open.js';
import { buildInventory } from '../../src/catalog/inventory-builder.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { tarBytes, type FakeEntry } from './fixtures/oci-layout-writer.js';

const run = promisify(execFile);
const work = mkdtempSync(join(tmpdir(), 'vigil-zstd-'));
const fresh = (): string => mkdtempSync(join(work, 'cache-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const sha = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

type Compression = 'gzip' | 'zstd' | 'none';
const MEDIA: Record<Compression, string> = {
  gzip: 'application/vnd.oci.image.layer.v1.tar+gzip',
  zstd: 'application/vnd.oci.image.layer.v1.tar+zstd',
  none: 'application/vnd.oci.image.layer.v1.tar',
};

/** Compresses with the real `zstd` CLI (not the library vigil decodes with). */
async function zstdCli(tar: Buffer): Promise<Buffer> {
  const path = join(mkdtempSync(join(work, 'zst-')), 'layer.tar');
  writeFileSync(path, tar);
  await run('zstd', ['-q', '-19', path, '-o', `${path}.zst`]);
  const { stdout } = await run('cat', [`${path}.zst`], { encoding: 'buffer', maxBuffer: 64 << 20 });
  return stdout;
}

/** An OCI layout whose layer blobs are given as (tar, blob, media type); diff_ids are the tars' digests. */
function writeLayout(
  dir: string,
  layers: { tar: Buffer; blob: Buffer; compression: Compression }[],
): string[] {
  mkdirSync(join(dir, 'blobs/sha256'), { recursive: true });
  const put = (b: Buffer): string => {
    const d = sha(b);
    writeFileSync(join(dir, 'blobs/sha256', d.slice(7)), b);
    return d;
  };
  const descs = layers.map((l) => ({
    mediaType: MEDIA[l.compression],
    digest: put(l.blob),
    size: l.blob.length,
  }));
  const config = Buffer.from(
    JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: {},
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha(l.tar)) },
      history: layers.map((l) => ({ created_by: `${l.compression} layer` })),
    }),
  );
  const configDesc = {
    mediaType: 'application/vnd.oci.image.config.v1+json',
    digest: put(config),
    size: config.length,
  };
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: configDesc,
      layers: descs,
    }),
  );
  writeFileSync(join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: put(manifest),
          size: manifest.length,
          annotations: { 'org.opencontainers.image.ref.name': 'latest' },
        },
      ],
    }),
  );
  return descs.map((d) => d.digest);
}

const stanza = (name: string, version: string, source: string, arch = 'amd64'): string =>
  [
    `Package: ${name}`,
    'Status: install ok installed',
    'Priority: required',
    'Section: libs',
    'Installed-Size: 100',
    'Maintainer: Debian <debian@example.org>',
    `Architecture: ${arch}`,
    `Source: ${source}`,
    `Version: ${version}`,
    `Description: ${name}`,
    '',
  ].join('\n');

const BASE = stanza('base-files', '12.4+deb12u5', 'base-files');
const ZSTD = stanza('libzstd1', '1.5.4+dfsg2-5', 'libzstd (1.5.4+dfsg2-5)');
const pkgJson = (name: string, version: string): string => JSON.stringify({ name, version });

/** gzip: os-release + a one-stanza dpkg status; zstd: status rewritten with a 2nd stanza + an npm package; tar: another npm package. */
const LAYERS: { compression: Compression; entries: FakeEntry[] }[] = [
  {
    compression: 'gzip',
    entries: [
      { name: 'etc/', type: 'directory' },
      {
        name: 'etc/os-release',
        body: 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nID=debian\nVERSION_ID="12"\n',
      },
      { name: 'var/lib/dpkg/status', body: BASE },
    ],
  },
  {
    compression: 'zstd',
    entries: [
      { name: 'var/lib/dpkg/status', body: `${BASE}\n${ZSTD}` },
      { name: 'srv/app/node_modules/zed/package.json', body: pkgJson('zed', '1.2.3') },
    ],
  },
  {
    compression: 'none',
    entries: [{ name: 'srv/app/node_modules/plain/package.json', body: pkgJson('plain', '0.0.1') }],
  },
];

async function blobs(): Promise<{ tar: Buffer; blob: Buffer; compression: Compression }[]> {
  const out = [];
  for (const l of LAYERS) {
    const tar = await tarBytes(l.entries);
    const blob =
      l.compression === 'gzip' ? gzipSync(tar) : l.compression === 'zstd' ? await zstdCli(tar) : tar;
    out.push({ tar, blob, compression: l.compression });
  }
  return out;
}

/** The merged rootfs as a plain directory (later layers overwrite earlier files). */
function mergedDir(): string {
  const root = mkdtempSync(join(work, 'root-'));
  for (const l of LAYERS) {
    for (const e of l.entries) {
      if (e.type === 'directory') continue;
      mkdirSync(dirname(join(root, e.name)), { recursive: true });
      writeFileSync(join(root, e.name), e.body ?? '');
    }
  }
  return root;
}

const key = (p: Package): string => [p.foundBy, p.ecosystem, p.name, p.version, p.purl].join(' ');

describe('zstd layers', () => {
  it('reads gzip, zstd (zstd CLI) and plain tar layers; attributes packages to the layer that added them', async () => {
    const layers = await blobs();
    expect(layers[1]?.blob.readUInt32LE(0)).toBe(0xfd2fb528);
    const dir = join(work, 'mixed');
    const digests = writeLayout(dir, layers);
    const inv = await inventoryImage(`oci:${dir}`, { cacheDir: fresh(), layerCache: false });

    const root = mergedDir();
    const expected = await buildInventory(new DirectoryResolver(root), { type: 'directory', target: root });
    expect(expected.packages.length).toBe(4);
    expect(inv.packages.map(key).sort()).toEqual(expected.packages.map(key).sort());
    expect(inv.os).toMatchObject({ id: 'debian', versionId: '12' });

    const meta = inv.source.image as unknown as ImageMetadata;
    expect(meta.layers.map((l) => l.digest)).toEqual(digests);
    const by = Object.fromEntries(inv.packages.map((p) => [p.name, p]));
    expect(by['base-files']?.layerDigest).toBe(digests[0]);
    expect(by['libzstd1']?.layerDigest).toBe(digests[1]);
    expect(by['libzstd1']?.purl).toMatch(/^pkg:deb\/debian\/libzstd1@1\.5\.4\+dfsg2-5\?arch=amd64&/);
    expect(by['zed']?.layerDigest).toBe(digests[1]);
    expect(by['zed']?.purl).toBe('pkg:npm/zed@1.2.3');
    expect(by['plain']?.layerDigest).toBe(digests[2]);
  });

  it('a truncated zstd layer (digest fixed up) fails with LAYER_CORRUPT', async () => {
    const layers = await blobs();
    const zst = layers[1] as { tar: Buffer; blob: Buffer; compression: Compression };
    zst.blob = zst.blob.subarray(0, Math.floor(zst.blob.length / 2));
    const dir = join(work, 'corrupt');
    writeLayout(dir, layers);
    const err = await openImage(`oci:${dir}`, { cacheDir: fresh(), layerCache: false }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(LayerCorruptError);
    expect(err).toMatchObject({ code: 'LAYER_CORRUPT' });
    expect((err as Error).message).toMatch(/zstd/);
  });
});

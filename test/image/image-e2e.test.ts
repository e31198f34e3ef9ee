import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import type { Package } from '../../src/core/package.js';
import { inventoryImage, type ImageInventoryOptions } from '../../src/catalog/image-inventory.js';
import type { ImageMetadata } from '../../src/source/image/image-metadata.js';
import { openImage, type OpenedImageStats } from '../../src/source/image/image-open.js';
import { buildInventory } from '../../src/catalog/inventory-builder.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { builtImage, PROBE_PACKAGE, REMOVED_PACKAGE, type BuiltImage } from './fixtures/image-builder.js';
import { PASSWORD, push, startRegistry, USER, type RunningRegistry } from './fixtures/registry-server.js';

let image: BuiltImage;
let expected: Inventory;
const work = mkdtempSync(join(tmpdir(), 'vigil-image-e2e-'));
const fresh = (): string => mkdtempSync(join(work, 'cache-'));
const key = (p: Package): string =>
  [p.foundBy, p.ecosystem, p.name, p.version, p.purl, p.filePath, p.osManagedBy?.name ?? ''].join(' ');

beforeAll(async () => {
  image = await builtImage();
  expected = await buildInventory(new DirectoryResolver(image.merged), {
    type: 'directory',
    target: image.merged,
  });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Same packages as the merged rootfs scanned as a directory; each attributed to the layer that added it. */
function checkImageInventory(inv: Inventory): void {
  expect(inv.packages.map(key).sort()).toEqual(expected.packages.map(key).sort());
  expect(inv.os?.id).toBe('debian');
  const layers = (inv.source.image as unknown as ImageMetadata).layers.map((l) => l.digest);
  expect(layers).toHaveLength(3);
  const layerOf = (p: Package): number => layers.indexOf(p.layerDigest ?? '');
  const deb = inv.packages.filter((p) => p.ecosystem === 'deb');
  expect(deb.find((p) => p.name === REMOVED_PACKAGE)).toBeUndefined();
  expect(deb.filter((p) => layerOf(p) === 2).map((p) => [p.name, p.version])).toEqual([
    [PROBE_PACKAGE.name, PROBE_PACKAGE.version],
  ]);
  expect(deb.filter((p) => layerOf(p) !== 2).every((p) => layerOf(p) === 0)).toBe(true);
  expect(deb.length).toBeGreaterThan(80);
  const lang = inv.packages.filter((p) => p.ecosystem === 'npm' || p.ecosystem === 'pypi');
  expect(lang.map((p) => `${p.name}@${p.version}`).sort()).toEqual([
    '@scope/thing@0.4.2',
    'flask-cors@4.0.0',
    'left-pad@1.1.0',
    'left-pad@1.3.0',
    'requests@2.31.0',
    'wrapper@2.0.0',
  ]);
  expect(lang.every((p) => layerOf(p) === 2)).toBe(true);
}

async function scan(
  ref: string,
  opts: ImageInventoryOptions = {},
): Promise<{ inv: Inventory; stats: OpenedImageStats }> {
  let stats: OpenedImageStats | undefined;
  const inv = await inventoryImage(ref, { cacheDir: fresh(), ...opts, onStats: (s) => (stats = s) });
  return { inv, stats: stats as OpenedImageStats };
}

describe('image files', () => {
  it('oci layout directory', async () => {
    const { inv } = await scan(`oci:${image.layout}:l2`);
    checkImageInventory(inv);
    const meta = inv.source.image as unknown as ImageMetadata;
    expect(meta.config).toMatchObject({
      os: 'linux',
      architecture: 'amd64',
      exposedPorts: ['8080/tcp'],
      entrypoint: ['/bin/sh'],
    });
    expect(meta.config.labels).toMatchObject({ 'org.example': 'vigil' });
    expect(meta.config.env).toContain('VIGIL=1');
  });
  it('oci layout tarball', async () =>
    checkImageInventory((await scan(`oci-archive:${image.ociArchive}:l2`)).inv));
  it('docker-archive (skopeo)', async () =>
    checkImageInventory((await scan(`docker-archive:${image.dockerArchive}`)).inv));
});

describe('registry without auth', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry('none');
    await push(image.layout, 'l2', reg, 'vigil/test:oci');
    await push(image.layout, 'l2', reg, 'vigil/test:v2s2', ['--format', 'v2s2']);
    await push(image.layout, 'multi', reg, 'vigil/test:multi', ['--all']);
    await push(image.layout, 'l1', reg, 'vigil/test:l1');
  });
  afterAll(() => reg.stop());

  it('OCI manifest', async () => checkImageInventory((await scan(`${reg.host}/vigil/test:oci`)).inv));
  it('Docker schema 2 manifest', async () => {
    const { inv } = await scan(`${reg.host}/vigil/test:v2s2`);
    checkImageInventory(inv);
    expect((inv.source.image as unknown as ImageMetadata).registry).toBe(reg.host);
  });
  it('multi-platform index: host platform, an explicit one, and a missing one', async () => {
    const { inv } = await scan(`${reg.host}/vigil/test:multi`);
    checkImageInventory(inv);
    expect((inv.source.image as unknown as ImageMetadata).indexDigest).toMatch(/^sha256:/);
    const arm = await openImage(`${reg.host}/vigil/test:multi`, {
      cacheDir: fresh(),
      platform: 'linux/arm64/v8',
    });
    expect([arm.metadata.config.architecture, arm.metadata.layers.length]).toEqual(['arm64', 1]);
    await arm.close();
    await expect(
      openImage(`${reg.host}/vigil/test:multi`, { cacheDir: fresh(), platform: 'linux/s390x' }),
    ).rejects.toMatchObject({
      code: 'PLATFORM_NOT_FOUND',
    });
  });
  it('rescanning an image that shares base layers fetches only the new layer', async () => {
    const cacheDir = fresh();
    const first = await scan(`${reg.host}/vigil/test:l1`, { cacheDir });
    expect(first.stats).toMatchObject({ layersRead: 2, layersFromCache: 0 });
    const second = await scan(`${reg.host}/vigil/test:oci`, { cacheDir });
    expect(second.stats).toMatchObject({ layersRead: 1, layersFromCache: 2 });
    // One config + one layer blob crossed the wire.
    expect(second.stats.registry?.blobFetches).toBe(2);
    checkImageInventory(second.inv);
  });
});

describe('registry with htpasswd Basic auth', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry('htpasswd');
    await push(image.layout, 'l2', reg, 'vigil/test:l2', ['--dest-creds', `${USER}:${PASSWORD}`]);
  });
  afterAll(() => reg.stop());

  it('reads credentials from a docker config.json', async () => {
    const dockerConfigPath = join(work, 'docker-config.json');
    const auth = Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
    writeFileSync(dockerConfigPath, JSON.stringify({ auths: { [reg.host]: { auth } } }));
    checkImageInventory((await scan(`${reg.host}/vigil/test:l2`, { dockerConfigPath })).inv);
  });
  it('fails clearly without or with wrong credentials', async () => {
    const none = join(work, 'none.json');
    await expect(
      openImage(`${reg.host}/vigil/test:l2`, { cacheDir: fresh(), dockerConfigPath: none }),
    ).rejects.toMatchObject({
      code: 'REGISTRY_AUTH_FAILED',
    });
    await expect(
      openImage(`${reg.host}/vigil/test:l2`, {
        cacheDir: fresh(),
        credentials: { username: USER, password: 'wrong' },
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });
});

describe('registry with token auth', () => {
  let reg: RunningRegistry;
  beforeAll(async () => {
    reg = await startRegistry('token');
    await push(image.layout, 'l2', reg, 'vigil/test:l2', ['--dest-creds', `${USER}:${PASSWORD}`]);
  });
  afterAll(() => reg.stop());

  it('gets a bearer token with the credentials and reuses it per scope', async () => {
    const before = reg.tokenRequests();
    const { inv, stats } = await scan(`${reg.host}/vigil/test:l2`, {
      credentials: { username: USER, password: PASSWORD },
    });
    checkImageInventory(inv);
    expect(stats.registry?.tokenFetches).toBe(1);
    expect(reg.tokenRequests() - before).toBe(1);
  });
  it('fails clearly without credentials', async () => {
    await expect(
      openImage(`${reg.host}/vigil/test:l2`, {
        cacheDir: fresh(),
        dockerConfigPath: join(work, 'none.json'),
      }),
    ).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
  });
});

import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { openImage } from '../../src/source/image/image-open.js';
import { inventoryImage, READER_INTERESTS } from '../../src/catalog/image-inventory.js';
import { layerStoreTotals } from '../../src/source/image/layer-cache.js';
import { tarBytes, writeOciLayout } from './fixtures/oci-layout-writer.js';

/** A tiny DB-style cataloger (one `name version` per line), to prove attribution for any rewritten DB file. */
const lineDb: Cataloger = {
  name: 'line-db',
  version: 1,
  ecosystem: 'deb',
  tags: ['os', 'installed'],
  globs: ['var/lib/fake/db'],
  parse: async (file) => ({
    packages: (await file.read())
      .toString()
      .split('\n')
      .filter(Boolean)
      .map((l) => {
        const [name = '', version = ''] = l.split(' ');
        return { name, version, ecosystem: 'deb' as const, scope: 'installed' as const };
      }),
  }),
};

async function layout(): Promise<{ ref: string; digests: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-merge-'));
  const l0 = await tarBytes([
    { name: 'usr/', type: 'directory' },
    { name: 'usr/lib/os-release', body: 'ID=debian\nVERSION_ID="12"\n' },
    { name: 'etc/os-release', type: 'symlink', linkname: '../usr/lib/os-release' },
    { name: 'lib', type: 'symlink', linkname: 'usr/lib' },
    { name: 'var/lib/fake/db', body: 'alpha 1.0\nbeta 2.0\n' },
    { name: 'data/a', body: 'a' },
    { name: 'data/sub/b', body: 'b' },
    { name: 'old/file', body: 'old' },
  ]);
  const l1 = await tarBytes([
    { name: 'var/lib/fake/db', body: 'alpha 1.0\nbeta 2.1\ngamma 3.0\n' },
    { name: 'data/.wh..wh..opq' },
    { name: 'data/c', body: 'c' },
    { name: '.wh.old' },
    { name: 'hl', type: 'link', linkname: 'usr/lib/os-release' },
    { name: 'dev/null', type: 'character-device' },
  ]);
  const l2 = await tarBytes([
    { name: 'var/lib/fake/db', body: 'alpha 1.0\nbeta 2.1\ngamma 3.0\ndelta 4\n' },
    { name: 'lib/added-through-link', body: 'x' },
  ]);
  const w = writeOciLayout(dir, [{ tar: l0 }, { tar: l1, compression: 'none' }, { tar: l2 }], 'v1');
  return { ref: `oci:${dir}:v1`, digests: w.layerDigests };
}

describe('merged layers', () => {
  it('applies whiteouts, opaque dirs, hard links and in-root symlinked parents (dir links not walked, like a directory)', async () => {
    const { ref } = await layout();
    const cacheDir = mkdtempSync(join(tmpdir(), 'vigil-cache-'));
    const img = await openImage(ref, {
      cacheDir,
      interests: [lineDb, ...READER_INTERESTS],
      layerCache: false,
    });
    try {
      const paths = (await img.resolver.findFiles(['**'])).map((f) => f.path);
      expect(paths).toEqual([
        '/data/c',
        '/etc/os-release',
        '/hl',
        '/usr/lib/added-through-link',
        '/usr/lib/os-release',
        '/var/lib/fake/db',
      ]);
      expect((await img.resolver.readFile('/hl')).toString()).toBe('ID=debian\nVERSION_ID="12"\n');
      expect(await img.resolver.realPath('/etc/os-release')).toBe('/usr/lib/os-release');
      expect(img.resolver.unknowns.map((u) => [u.path, u.reason])).toEqual([['/dev/null', 'device']]);
      expect(img.metadata.config).toMatchObject({
        os: 'linux',
        architecture: 'amd64',
        exposedPorts: ['80/tcp'],
      });
    } finally {
      await img.close();
    }
  });

  it('attributes each package to the layer that introduced its name and version', async () => {
    const { ref, digests } = await layout();
    const cacheDir = mkdtempSync(join(tmpdir(), 'vigil-cache-'));
    const first = { ...layerStoreTotals };
    const inv = await inventoryImage(ref, { cacheDir, catalogers: [lineDb] });
    expect(layerStoreTotals.layersRead - first.layersRead).toBe(3);
    const byName = Object.fromEntries(
      inv.packages.map((p) => [p.name, digests.indexOf(p.layerDigest ?? '')]),
    );
    expect(byName).toEqual({ alpha: 0, beta: 1, gamma: 1, delta: 2 });
    expect(inv.os?.id).toBe('debian');
    expect(inv.source).toMatchObject({ type: 'image', target: ref });

    // Second open: every layer comes from the cache, none is read again.
    let stats: { layersRead: number; layersFromCache: number } | undefined;
    const totals = { ...layerStoreTotals };
    const again = await inventoryImage(ref, { cacheDir, catalogers: [lineDb], onStats: (s) => (stats = s) });
    expect(stats).toMatchObject({ layersRead: 0, layersFromCache: 3 });
    // The process-wide totals (the registry bench's burst figures) move with the open's own counters.
    expect(layerStoreTotals.layersFromCache - totals.layersFromCache).toBe(3);
    expect(layerStoreTotals.layersRead - totals.layersRead).toBe(0);
    expect(again.packages.map((p) => [p.name, p.layerDigest])).toEqual(
      inv.packages.map((p) => [p.name, p.layerDigest]),
    );
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../src/catalog/dpkg/dpkg-cataloger.js';
import { buildInventory } from '../../src/scan/inventory-service.js';
import { DirectoryResolver } from '../../src/source/directory-resolver.js';
import { DEBIAN_SUITES, debianRootfs, type DebianSuite } from '../fixtures/debian-rootfs.js';

const run = promisify(execFile);

/** What dpkg itself says is installed, as `name version arch source sourceVersion` lines. */
async function dpkgQuery(root: string): Promise<string[]> {
  const { stdout } = await run(
    'dpkg-query',
    [
      `--admindir=${join(root, 'var/lib/dpkg')}`,
      '-W',
      '-f',
      '${Status}\t${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n',
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('install ok installed\t'))
    .map((l) => l.split('\t')[1] as string)
    .sort();
}

const EXPECTED_OS: Record<DebianSuite, { release: string; codename: string }> = {
  bookworm: { release: '12', codename: 'bookworm' },
  bullseye: { release: '11', codename: 'bullseye' },
  trixie: { release: '13', codename: 'trixie' },
};

describe.each(DEBIAN_SUITES)('dpkg inventory of a debootstrapped %s', (suite) => {
  it('equals dpkg-query exactly, package by package', async () => {
    const root = await debianRootfs({ suite });
    const inv = await buildInventory(
      new DirectoryResolver(root),
      { type: 'directory', target: root },
      { catalogers: [dpkgCataloger] },
    );
    const ours = inv.packages
      .map((p) => `${p.name} ${p.version} ${p.arch ?? ''} ${p.sourceName ?? ''} ${p.sourceVersion ?? ''}`)
      .sort();
    const oracle = await dpkgQuery(root);
    expect(oracle.length).toBeGreaterThan(50);
    expect(ours).toEqual(oracle);
    expect(inv.unknowns.filter((u) => u.foundBy === 'dpkg-db')).toEqual([]);
    console.info(`${suite}: ${ours.length} packages match dpkg-query exactly`);

    expect(inv.os).toMatchObject({ id: 'debian', ...EXPECTED_OS[suite] });
    const pkg = inv.packages.find((p) => p.name === 'libc6');
    expect(pkg?.purl).toMatch(/^pkg:deb\/debian\/libc6@[^?]+\?arch=amd64&distro=debian-/);
  });
});

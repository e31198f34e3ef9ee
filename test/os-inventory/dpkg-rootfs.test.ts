import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { dpkgCataloger } from '../../src/catalog/dpkg/dpkg-cataloger.js';
import { buildInventory } from '../../src/catalog/inventory-builder.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { catalogerFileFor } from './cataloger-file.js';
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
    // The rootfs exercises both Source forms: `Source: x (version)` (binNMUs, gcc) and `Source: x`.
    expect(inv.packages.some((p) => p.sourceVersion !== p.version)).toBe(true);
    expect(inv.packages.some((p) => p.sourceName !== p.name)).toBe(true);
    expect(inv.packages.some((p) => p.epoch !== undefined)).toBe(true);
    console.info(`${suite}: ${ours.length} packages match dpkg-query exactly`);

    expect(inv.os).toMatchObject({ id: 'debian', ...EXPECTED_OS[suite] });
    const pkg = inv.packages.find((p) => p.name === 'libc6');
    expect(pkg?.purl).toMatch(/^pkg:deb\/debian\/libc6@[^?]+\?arch=amd64&distro=debian-/);
  });
});

describe('dpkg ownership', () => {
  it('equals dpkg-query -L for every package of bookworm', async () => {
    const root = await debianRootfs({ suite: 'bookworm' });
    const resolver = new DirectoryResolver(root);
    const result = await dpkgCataloger.parse(catalogerFileFor(resolver, '/var/lib/dpkg/status'), {});
    const names = result.packages.map((p) =>
      p.metadata?.['multiArch'] === 'same' ? `${p.name}:${p.arch}` : p.name,
    );
    const { stdout } = await run('dpkg-query', [`--admindir=${join(root, 'var/lib/dpkg')}`, '-L', ...names], {
      maxBuffer: 64 * 1024 * 1024,
    });
    // dpkg-query -L prints each package's list, separated by blank lines, in argument order.
    const lists = stdout
      .split('\n\n')
      .map((block) => block.split('\n').filter((l) => l.startsWith('/') && l !== '/.'));
    expect(lists).toHaveLength(names.length);
    names.forEach((_, i) => {
      const pkg = result.packages[i]!;
      const owned = result.ownership?.find((o) => o.name === pkg.name && o.version === pkg.version);
      expect(owned?.files ?? []).toEqual(lists[i]);
    });
    const libc = result.ownership?.find((o) => o.name === 'libc6');
    expect(libc).toMatchObject({ ecosystem: 'deb', sourceName: 'glibc' });
    expect(libc?.files).toContain('/lib/x86_64-linux-gnu/libc.so.6');
  });
});

describe('distroless status.d', () => {
  const ROOT = join(import.meta.dirname, '../../src/catalog/dpkg/testdata/distroless');

  it('lists each status.d stanza as installed, as dpkg-query reads the same stanzas', async () => {
    const dir = join(ROOT, 'var/lib/dpkg/status.d');
    const admin = mkdtempSync(join(tmpdir(), 'vigil-distroless-admin-'));
    mkdirSync(join(admin, 'info'));
    const stanzas = readdirSync(dir)
      .filter((f) => !f.endsWith('.md5sums'))
      .map((f) => `${readFileSync(join(dir, f), 'utf8').trimEnd()}\nStatus: install ok installed\n`);
    writeFileSync(join(admin, 'status'), stanzas.join('\n'));
    const { stdout } = await run('dpkg-query', [
      `--admindir=${admin}`,
      '-W',
      '-f',
      '${Package} ${Version} ${Architecture} ${source:Package} ${source:Version}\n',
    ]);
    rmSync(admin, { recursive: true, force: true });
    const inv = await buildInventory(
      new DirectoryResolver(ROOT),
      { type: 'directory', target: ROOT },
      { catalogers: [dpkgCataloger] },
    );
    const ours = inv.packages.map(
      (p) => `${p.name} ${p.version} ${p.arch} ${p.sourceName} ${p.sourceVersion}`,
    );
    expect(ours.sort()).toEqual(stdout.split('\n').filter(Boolean).sort());
    expect(ours).toHaveLength(4);
    expect(ours).toContain('python3.11-minimal 3.11.2-6+deb12u2 amd64 python3.11 3.11.2-6+deb12u2');
    expect(inv.unknowns).toEqual([]);
    const result = await dpkgCataloger.parse(
      catalogerFileFor(new DirectoryResolver(ROOT), '/var/lib/dpkg/status.d/libssl3'),
      {},
    );
    expect(result.ownership).toEqual([
      {
        ecosystem: 'deb',
        name: 'libssl3',
        version: '3.0.11-1~deb12u2',
        sourceName: 'openssl',
        sourceVersion: '3.0.11-1~deb12u2',
        files: ['/usr/lib/x86_64-linux-gnu/libcrypto.so.3', '/usr/lib/x86_64-linux-gnu/libssl.so.3'],
      },
    ]);
  });
});

describe('damaged dpkg databases', () => {
  it('a truncated, a garbage and a garbage-tailed status file: what parses is kept, the rest is an unknown', async () => {
    const real = readFileSync(join(await debianRootfs({ suite: 'bookworm' }), 'var/lib/dpkg/status'));
    const garbage = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 2654435761) >>> 24));
    const cases: [Buffer, (n: number) => boolean][] = [
      // cut in the middle of a line, as a full disk or an interrupted copy leaves it
      [
        real.subarray(0, real.indexOf('\nVersion: ', Math.floor(real.length / 2)) + 12),
        (n) => n > 20 && n < 88,
      ],
      [garbage, (n) => n === 0],
      [Buffer.concat([real.subarray(0, 5000), garbage]), (n) => n >= 1],
    ];
    for (const [bytes, countOk] of cases) {
      const root = mkdtempSync(join(tmpdir(), 'vigil-dpkg-damaged-'));
      mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
      writeFileSync(join(root, 'var/lib/dpkg/status'), bytes);
      const inv = await buildInventory(
        new DirectoryResolver(root),
        { type: 'directory', target: root },
        { catalogers: [dpkgCataloger] },
      );
      rmSync(root, { recursive: true, force: true });
      expect(countOk(inv.packages.length), `${inv.packages.length} packages`).toBe(true);
      expect(inv.unknowns).toContainEqual(
        expect.objectContaining({ path: '/var/lib/dpkg/status', reason: 'parse-error', foundBy: 'dpkg-db' }),
      );
    }
  });
});

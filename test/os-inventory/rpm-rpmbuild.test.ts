import { execFile } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  renameSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { rpmCataloger } from '../../src/catalog/rpm/rpm-cataloger.js';
import { buildInventory } from '../../src/catalog/inventory-builder.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { catalogerFileFor } from './cataloger-file.js';
import { removeRpmRoots, rootWithRpms } from './rpm-fixture.js';
import { rpmLine, rpmQueryAll } from './rpm-oracle.js';

const run = promisify(execFile);

async function inventory(root: string) {
  return buildInventory(
    new DirectoryResolver(root),
    { type: 'directory', target: root },
    { catalogers: [rpmCataloger] },
  );
}

describe('rpm-db on a database written by the real rpm from rpmbuild packages', () => {
  afterAll(removeRpmRoots);

  it('equals rpm -qa exactly (epochs, tilde, caret, subpackages, -n binaries)', async () => {
    const root = await rootWithRpms();
    const inv = await inventory(root);
    const oracle = await rpmQueryAll(['--root', root, '--dbpath', '/var/lib/rpm']);
    expect(oracle).toHaveLength(6);
    expect(inv.packages.map(rpmLine).sort()).toEqual(oracle);
    expect(inv.unknowns).toEqual([]);
    const byName = Object.fromEntries(inv.packages.map((p) => [p.name, p]));
    expect(byName['alpha']).toMatchObject({
      version: '2:1.0-1',
      epoch: 2,
      release: '1',
      vendor: 'vigil tests',
    });
    expect(byName['gamma']).toMatchObject({ version: '1.2.3^git20240101.abc-0.1', epoch: 0 });
    expect(byName['beta-libs']).toMatchObject({ sourceName: 'beta', sourceVersion: '2.0~rc1-3.vt1' });
    expect(byName['libdelta1']).toMatchObject({
      sourceName: 'delta',
      sourceVersion: '0.9.1-12',
      licenses: ['BSD-3-Clause'],
    });
    console.info(`rpmbuild db: ${inv.packages.length} packages match rpm -qa exactly`);
  });

  it('owned files equal rpm -ql', async () => {
    const root = await rootWithRpms();
    const file = catalogerFileFor(new DirectoryResolver(root), '/var/lib/rpm/rpmdb.sqlite');
    const result = await rpmCataloger.parse(file, {});
    for (const name of ['alpha', 'beta-libs', 'libdelta1', 'delta-tools']) {
      const { stdout } = await run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '-ql', name]);
      const owned = result.ownership?.find((o) => o.name === name);
      expect(owned?.files.sort()).toEqual(stdout.split('\n').filter(Boolean).sort());
    }
    expect(result.ownership?.find((o) => o.name === 'beta-libs')).toMatchObject({
      sourceName: 'beta',
      ecosystem: 'rpm',
    });
  });

  it('reads transactions still in the WAL, as rpm does', async () => {
    const root = await rootWithRpms();
    const db = join(root, 'var/lib/rpm');
    const copy = await rootWithRpms();
    const writer = new Database(join(db, 'rpmdb.sqlite'));
    try {
      writer.pragma('wal_autocheckpoint = 0');
      writer.pragma('foreign_keys = OFF');
      const gamma = await rpmQueryAll(['--root', root, '--dbpath', '/var/lib/rpm']);
      expect(gamma.some((l) => l.startsWith('gamma '))).toBe(true);
      writer.prepare("DELETE FROM Packages WHERE hnum IN (SELECT hnum FROM Name WHERE key = 'gamma')").run();
      // Snapshot main file + WAL while the writer still holds them (no checkpoint happened).
      for (const f of ['rpmdb.sqlite', 'rpmdb.sqlite-wal'])
        copyFileSync(join(db, f), join(copy, 'var/lib/rpm', f));
      rmSync(join(copy, 'var/lib/rpm/rpmdb.sqlite-shm'), { force: true });
    } finally {
      writer.close();
    }
    expect(statSync(join(copy, 'var/lib/rpm/rpmdb.sqlite-wal')).size).toBeGreaterThan(0);
    const inv = await inventory(copy);
    const oracle = await rpmQueryAll(['--root', copy, '--dbpath', '/var/lib/rpm']);
    expect(oracle).toHaveLength(5);
    expect(inv.packages.map(rpmLine).sort()).toEqual(oracle);
  });

  it('leaves out gpg-pubkey pseudo-packages that rpm -qa lists', async () => {
    const root = await rootWithRpms();
    const gnupg = mkdtempSync(join(tmpdir(), 'vigil-gnupg-'));
    const env = { ...process.env, GNUPGHOME: gnupg };
    await run(
      'gpg',
      [
        '--batch',
        '--passphrase',
        '',
        '--quick-gen-key',
        'vigil test <t@example.invalid>',
        'ed25519',
        'sign',
        'never',
      ],
      { env },
    );
    const { stdout: key } = await run('gpg', ['--armor', '--export'], { env });
    writeFileSync(join(gnupg, 'key.asc'), key);
    await run('rpm', ['--root', root, '--dbpath', '/var/lib/rpm', '--import', join(gnupg, 'key.asc')]);
    rmSync(gnupg, { recursive: true, force: true });
    const oracle = await rpmQueryAll(['--root', root, '--dbpath', '/var/lib/rpm']);
    expect(oracle.filter((l) => l.startsWith('gpg-pubkey '))).toHaveLength(1);
    const inv = await inventory(root);
    expect(inv.packages.map(rpmLine).sort()).toEqual(oracle.filter((l) => !l.startsWith('gpg-pubkey ')));
  });

  it('finds a /usr/lib/sysimage/rpm database once when /var/lib/rpm links to it', async () => {
    const root = await rootWithRpms();
    mkdirSync(join(root, 'usr/lib/sysimage'), { recursive: true });
    renameSync(join(root, 'var/lib/rpm'), join(root, 'usr/lib/sysimage/rpm'));
    symlinkSync('../../usr/lib/sysimage/rpm', join(root, 'var/lib/rpm'));
    const inv = await inventory(root);
    expect(inv.packages).toHaveLength(6);
    expect(new Set(inv.packages.map((p) => p.filePath))).toEqual(
      new Set(['/usr/lib/sysimage/rpm/rpmdb.sqlite']),
    );
  });
});

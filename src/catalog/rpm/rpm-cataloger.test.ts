import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { tmpdir } from 'node:os';
import { promisify } from 'node:util';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { sharedData } from '../../../test/fixtures/shared-data.js';
import { RPM_QF, rpmLine, rpmQueryAll } from '../../../test/os-inventory/rpm-oracle.js';
import { buildInventory } from '../inventory-builder.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { rpmCataloger } from './rpm-cataloger.js';
import { readNdbBlobs } from './rpm-ndb-reader.js';

const run = promisify(execFile);
const ORACLE_PY = join(import.meta.dirname, '../../../test/os-inventory/rpm-header-oracle.py');
const DATA = sharedData('rpmdb');

const roots: string[] = [];
afterAll(() => {
  for (const r of roots) rmSync(r, { recursive: true, force: true });
});

/** A root with one rpm database file, copied (rpm writes -shm/-wal beside what it opens). */
function rootWith(dbFile: string, name: string, bytes?: Buffer): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-rpmdb-'));
  roots.push(root);
  mkdirSync(join(root, 'var/lib/rpm'), { recursive: true });
  if (bytes) writeFileSync(join(root, 'var/lib/rpm', name), bytes);
  else copyFileSync(join(DATA, dbFile), join(root, 'var/lib/rpm', name));
  return root;
}

async function inventory(root: string) {
  return buildInventory(
    new DirectoryResolver(root),
    { type: 'directory', target: root },
    { catalogers: [rpmCataloger] },
  );
}

describe('rpm-db cataloger on real distribution databases', () => {
  it('SQLite (CBL-Mariner 2.0): equals rpm -qa', async () => {
    const root = rootWith('cbl-mariner-2.0/rpmdb.sqlite', 'rpmdb.sqlite');
    const inv = await inventory(root);
    const oracle = await rpmQueryAll(['--dbpath', join(root, 'var/lib/rpm')]);
    expect(oracle).toHaveLength(129);
    expect(inv.packages.map(rpmLine).sort()).toEqual(oracle);
    expect(inv.unknowns).toEqual([]);
    const curl = inv.packages.find((p) => p.name === 'curl');
    expect(curl).toMatchObject({
      sourceName: 'curl',
      vendor: 'Microsoft Corporation',
    });
    expect(curl?.release).toMatch(/cm2$/);
  });

  it('Berkeley DB hash (RHEL 8 libuuid): equals rpm -qa with the bdb_ro backend', async () => {
    const root = rootWith('libuuid-bdb/Packages', 'Packages');
    const inv = await inventory(root);
    const oracle = await rpmQueryAll([
      '--define',
      '_db_backend bdb_ro',
      '--dbpath',
      join(root, 'var/lib/rpm'),
    ]);
    expect(oracle).toEqual(['libuuid 0:2.32.1-42.el8_8 x86_64 util-linux-2.32.1-42.el8_8.src.rpm']);
    expect(inv.packages.map(rpmLine)).toEqual(oracle);
    expect(inv.packages[0]).toMatchObject({
      sourceName: 'util-linux',
      sourceVersion: '2.32.1-42.el8_8',
      vendor: 'Red Hat, Inc.',
    });
    expect(inv.unknowns).toEqual([]);
  });

  // Debian's rpm 4.18 is built without NDB ("using dummy database"): rpm cannot list this database.
  // The oracle is rpm's own header library (python3-rpm) decoding the blobs vigil extracted: it
  // validates each blob, so a misread slot or extent fails there, and the NEVRA lines must match.
  it('NDB (SLE 15 BCI): blobs decoded by rpm itself equal the inventory', async () => {
    const db = readFileSync(join(DATA, 'sle15-bci-ndb/Packages.db'));
    const scan = await readNdbBlobs({
      size: db.length,
      read: (pos, len) => Promise.resolve(db.subarray(pos, pos + len)),
      close: () => Promise.resolve(),
    });
    expect(scan.problems).toEqual([]);
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ndb-blobs-'));
    roots.push(dir);
    const files = scan.blobs.map((b, i) => {
      writeFileSync(join(dir, `${i}.hdr`), b);
      return join(dir, `${i}.hdr`);
    });
    const { stdout } = await run('/usr/bin/python3', [ORACLE_PY, RPM_QF, ...files]);
    const oracle = stdout
      .split('\n')
      .filter((l) => l && !l.startsWith('gpg-pubkey '))
      .sort();
    const inv = await inventory(rootWith('sle15-bci-ndb/Packages.db', 'Packages.db'));
    expect(inv.packages.map(rpmLine).sort()).toEqual(oracle);
  });

  it('NDB (SLE 15 BCI): the 35 packages of the image', async () => {
    const inv = await inventory(rootWith('sle15-bci-ndb/Packages.db', 'Packages.db'));
    expect(inv.unknowns).toEqual([]);
    expect(inv.packages).toHaveLength(35);
    expect(inv.packages.every((p) => p.vendor === 'SUSE LLC <https://www.suse.com/>')).toBe(true);
    expect(inv.packages.map(rpmLine)).toContain('libreadline7 0:7.0-19.6.1 x86_64 bash-4.4-19.6.1.src.rpm');
    expect(inv.packages.find((p) => p.name === 'sles-release')).toMatchObject({
      version: '15.3-55.4.1',
      arch: 'x86_64',
    });
    expect(inv.packages.find((p) => p.name === 'libstdc++6')).toMatchObject({ sourceName: 'gcc11' });
  });
});

describe('rpm-db cataloger on damaged databases', () => {
  it.each([
    ['cbl-mariner-2.0/rpmdb.sqlite', 'rpmdb.sqlite'],
    ['libuuid-bdb/Packages', 'Packages'],
    ['sle15-bci-ndb/Packages.db', 'Packages.db'],
  ])('%s truncated or replaced by garbage: no crash, an unknown with a reason', async (file, name) => {
    const real = readFileSync(join(DATA, file));
    const garbage = Buffer.alloc(real.length);
    for (let i = 0; i < garbage.length; i++) garbage[i] = (i * 2654435761) >>> 24;
    for (const bytes of [real.subarray(0, Math.floor(real.length * 0.6)), garbage, Buffer.alloc(0)]) {
      const inv = await inventory(rootWith(file, name, bytes));
      const reasons = inv.unknowns.filter((u) => u.foundBy === 'rpm-db').map((u) => u.reason);
      if (bytes.length === 0 || bytes === garbage) expect(inv.packages).toEqual([]);
      expect(inv.packages.length === 0 || inv.packages.every((p) => p.name.length > 0)).toBe(true);
      if (inv.packages.length === 0) expect(reasons).toContain('parse-error');
    }
  });
});

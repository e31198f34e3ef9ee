import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { catalogerFileFor } from '../../../test/os-inventory/cataloger-file.js';
import { buildInventory } from '../inventory-builder.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { apkCataloger } from './apk-cataloger.js';
import { parseApkInstalled } from './apk-installed-parser.js';

const ROOT = join(import.meta.dirname, 'testdata/alpine-3.19');
const DB_TEXT = readFileSync(join(ROOT, 'lib/apk/db/installed'), 'utf8');

describe('apk-db cataloger', () => {
  it('lists the installed packages of an Alpine root with origin, arch, license and distro purl', async () => {
    const inv = await buildInventory(
      new DirectoryResolver(ROOT),
      { type: 'directory', target: ROOT },
      { catalogers: [apkCataloger], now: new Date('2026-11-23') },
    );
    expect(inv.os).toMatchObject({
      id: 'alpine',
      versionId: '3.19.1',
      release: 'v3.19',
      eolDate: '2025-11-01',
    });
    expect(inv.unknowns).toEqual([]);
    expect(inv.packages.map((p) => `${p.name} ${p.version} ${p.arch} ${p.sourceName}`)).toEqual([
      'musl 1.2.4_git20230717-r4 x86_64 musl',
      'busybox 1.36.1-r15 x86_64 busybox',
      'libcrypto3 3.1.4-r2 x86_64 openssl',
      'libssl3 3.1.4-r2 x86_64 openssl',
      'ca-certificates-bundle 20230506-r0 x86_64 ca-certificates',
    ]);
    const ssl = inv.packages.find((p) => p.name === 'libssl3');
    expect(ssl).toMatchObject({ sourceVersion: '3.1.4-r2', licenses: ['Apache-2.0'], foundBy: 'apk-db' });
    expect(ssl?.purl).toBe(
      'pkg:apk/alpine/libssl3@3.1.4-r2?arch=x86_64&distro=alpine-3.19.1&upstream=openssl%403.1.4-r2',
    );
    expect(inv.packages.find((p) => p.name === 'ca-certificates-bundle')?.licenses).toEqual([
      'MPL-2.0 AND MIT',
    ]);
  });

  it('records owned files from F/R lines as absolute paths', async () => {
    const result = await apkCataloger.parse(
      catalogerFileFor(new DirectoryResolver(ROOT), '/lib/apk/db/installed'),
      {},
    );
    const busybox = result.ownership?.find((o) => o.name === 'busybox');
    expect(busybox?.files).toEqual([
      '/bin/busybox',
      '/etc/securetty',
      '/etc/udhcpd.conf',
      '/etc/logrotate.d/acpid',
      '/usr/share/udhcpc/default.script',
    ]);
    expect(result.ownership?.find((o) => o.name === 'libssl3')).toMatchObject({
      sourceName: 'openssl',
      files: ['/usr/lib/libssl.so.3'],
    });
  });

  it('survives a truncated database: keeps whole stanzas, drops the cut one', () => {
    const cut = DB_TEXT.slice(0, DB_TEXT.indexOf('P:libssl3') + 4);
    const parsed = parseApkInstalled(cut);
    expect(parsed.entries.map((e) => e.name)).toEqual(['musl', 'busybox', 'libcrypto3']);
    expect(parsed.problems).toEqual(['1 stanza(s) without P (name) or V (version)']);
  });

  it('survives binary garbage and huge lines', () => {
    const garbage = Buffer.from(Array.from({ length: 100_000 }, (_, i) => (i * 7919) % 256)).toString('utf8');
    const parsed = parseApkInstalled(`${garbage}\n\n${DB_TEXT}\nT:${'x'.repeat(5_000_000)}\n`);
    expect(parsed.entries).toHaveLength(5);
    expect(parsed.problems[0]).toMatch(/malformed line/);
  });
});

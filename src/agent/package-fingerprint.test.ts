import { mkdirSync, mkdtempSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { packageFingerprint } from './package-fingerprint.js';

function root(): string {
  const r = mkdtempSync(join(tmpdir(), 'vigil-fp-'));
  mkdirSync(join(r, 'var/lib/dpkg/info'), { recursive: true });
  writeFileSync(join(r, 'var/lib/dpkg/status'), 'Package: a\n');
  mkdirSync(join(r, 'usr/lib/python3.11/site-packages'), { recursive: true });
  mkdirSync(join(r, 'etc'), { recursive: true });
  return r;
}

describe('packageFingerprint', () => {
  it('is stable while nothing changes, whatever else does', async () => {
    const r = root();
    const fp = await packageFingerprint(r);
    writeFileSync(join(r, 'etc/motd'), 'hello');
    expect(await packageFingerprint(r)).toBe(fp);
  });

  it('moves when dpkg writes its status, or touches its lock', async () => {
    const r = root();
    const fp = await packageFingerprint(r);
    writeFileSync(join(r, 'var/lib/dpkg/status'), 'Package: a\n\nPackage: b\n');
    const fp2 = await packageFingerprint(r);
    expect(fp2).not.toBe(fp);
    writeFileSync(join(r, 'var/lib/dpkg/lock-frontend'), '');
    expect(await packageFingerprint(r)).not.toBe(fp2);
  });

  it('moves when a Python package appears in a versioned site-packages', async () => {
    const r = root();
    const fp = await packageFingerprint(r);
    mkdirSync(join(r, 'usr/lib/python3.11/site-packages/requests-2.31.0.dist-info'));
    // Same mtime second as before is still seen: ctime and nanoseconds are part of the stat line.
    utimesSync(join(r, 'usr/lib/python3.11/site-packages'), 1, 1);
    expect(await packageFingerprint(r)).not.toBe(fp);
  });

  it("follows the root's own symlinks (/var/lib/rpm → /usr/lib/sysimage/rpm) inside the root", async () => {
    const r = root();
    mkdirSync(join(r, 'usr/lib/sysimage/rpm'), { recursive: true });
    writeFileSync(join(r, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), 'x');
    mkdirSync(join(r, 'var/lib'), { recursive: true });
    symlinkSync('/usr/lib/sysimage/rpm', join(r, 'var/lib/rpm'));
    const fp = await packageFingerprint(r);
    writeFileSync(join(r, 'usr/lib/sysimage/rpm/rpmdb.sqlite'), 'xy');
    expect(await packageFingerprint(r)).not.toBe(fp);
  });
});

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { buildFixture } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const run = promisify(execFile);
const SPECS = join(import.meta.dirname, 'testdata/rpm-specs');

/** Binary rpms built by the real rpmbuild from the test specs, cached by the specs' content. */
export async function builtRpms(): Promise<string[]> {
  const specs = readdirSync(SPECS)
    .filter((f) => f.endsWith('.spec'))
    .sort();
  const hash = createHash('sha256');
  for (const s of specs) hash.update(s).update(readFileSync(join(SPECS, s)));
  const key = hash.digest('hex').slice(0, 12);
  const dir = join(testCacheDir('rpmbuild'), key);
  const list = () =>
    readdirSync(dir)
      .filter((f) => f.endsWith('.rpm'))
      .sort()
      .map((f) => join(dir, f));
  if (existsSync(join(dir, '.complete'))) return list();
  await buildFixture(`rpmbuild-${key}`, async () => {
    if (existsSync(join(dir, '.complete'))) return;
    const top = mkdtempSync(join(tmpdir(), 'vigil-rpmbuild-'));
    try {
      for (const s of specs) await run('rpmbuild', ['-bb', '--define', `_topdir ${top}`, join(SPECS, s)]);
      const tmp = `${dir}.partial`;
      rmSync(tmp, { recursive: true, force: true });
      mkdirSync(tmp, { recursive: true });
      for (const f of readdirSync(join(top, 'RPMS/noarch')))
        cpSync(join(top, 'RPMS/noarch', f), join(tmp, f));
      writeFileSync(join(tmp, '.complete'), '');
      rmSync(dir, { recursive: true, force: true });
      renameSync(tmp, dir);
    } finally {
      rmSync(top, { recursive: true, force: true });
    }
  });
  return list();
}

const roots: string[] = [];

/** Removes the roots rootWithRpms made (call from afterAll). */
export function removeRpmRoots(): void {
  for (const r of roots.splice(0)) rmSync(r, { recursive: true, force: true });
}

/** A fresh root whose rpm database (SQLite, written by the real rpm) lists the built packages. */
export async function rootWithRpms(dbpath = '/var/lib/rpm'): Promise<string> {
  const rpms = await builtRpms();
  const root = mkdtempSync(join(tmpdir(), 'vigil-rpmroot-'));
  roots.push(root);
  await run('rpm', [
    '--root',
    root,
    '--dbpath',
    dbpath,
    '--justdb',
    '--nodeps',
    '--noscripts',
    '-i',
    ...rpms,
  ]);
  return root;
}

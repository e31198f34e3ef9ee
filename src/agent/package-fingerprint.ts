import { createHash } from 'node:crypto';
import { lstat } from 'node:fs/promises';
import { join } from 'node:path';
import { DirectoryResolver } from '../source/directory/directory-resolver.js';

/**
 * Files whose stat changes whenever a package manager installs or removes something: the package
 * databases, the package managers' lock files (touched by every run that takes the lock) and the
 * directories language packages are installed into (a new or removed package is a new or removed entry).
 */
const FIXED_PATHS = [
  'var/lib/dpkg/status',
  'var/lib/dpkg/lock',
  'var/lib/dpkg/lock-frontend',
  'var/lib/dpkg/info',
  'var/lib/dpkg/updates',
  ...['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm'].flatMap((d) =>
    ['Packages', 'Packages.db', 'rpmdb.sqlite', 'rpmdb.sqlite-wal', '.rpm.lock'].map((f) => `${d}/${f}`),
  ),
  'lib/apk/db/installed',
  'lib/apk/db/lock',
  'usr/lib/python3/dist-packages',
  'usr/lib/node_modules',
  'usr/local/lib/node_modules',
  'usr/share/nodejs',
];
/** Version-named interpreter directories: `usr/lib/python3.11/site-packages`, `usr/local/lib/python3.11/dist-packages`. */
const PYTHON_PARENTS = ['usr/lib', 'usr/local/lib'];
const PYTHON_DIR = /^python3(\.\d+)?$/;

/**
 * A cheap fingerprint of the package state of a root: a few dozen stat calls and two directory
 * listings, never a walk. Equal fingerprints mean no package manager touched the root since; the agent
 * then sends a heartbeat instead of a new inventory. Paths resolve chroot-style inside the root.
 */
export async function packageFingerprint(root: string): Promise<string> {
  const resolver = new DirectoryResolver(root);
  const paths = [...FIXED_PATHS];
  for (const parent of PYTHON_PARENTS) {
    for (const e of (await resolver.listDir(parent).catch(() => undefined)) ?? []) {
      if (e.type === 'symlink' || !PYTHON_DIR.test(e.name)) continue;
      paths.push(`${parent}/${e.name}/site-packages`, `${parent}/${e.name}/dist-packages`);
    }
  }
  const hash = createHash('sha256');
  for (const path of paths) hash.update(`${path}\t${await statLine(resolver, root, path)}\n`);
  return hash.digest('hex');
}

async function statLine(resolver: DirectoryResolver, root: string, path: string): Promise<string> {
  try {
    const real = await resolver.realPath(`/${path}`);
    const st = await lstat(join(root, real), { bigint: true });
    return `${real} ${st.ino} ${st.size} ${st.mtimeNs} ${st.ctimeNs}`;
  } catch {
    return '-';
  }
}

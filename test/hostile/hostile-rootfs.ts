import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { UnknownReason } from '../../src/core/unknown.js';

/** One hostile thing planted in the tree, and what the scan must record for it. */
export interface HostileCase {
  what: string;
  path: string;
  reasons: readonly UnknownReason[];
  /** The cataloger whose globs reach the path: without it, nothing looks there. */
  needs: string;
  /** Only the unprivileged scan can meet it (root reads everything). */
  unprivilegedOnly?: boolean;
}

export interface HostileTree {
  /** The directory scanned as `/`. */
  root: string;
  /** A sibling of root holding files that must never be read; every one contains `sentinel`. */
  outside: string;
  sentinel: string;
  cases: HostileCase[];
}

/**
 * A root filesystem of hostile inputs, built in `work` (which must be world-readable for the
 * unprivileged scan). Symlinks that escape aim at real files outside the root, so a resolver that
 * followed them would read the sentinel and it would show up in the inventory.
 */
export function buildHostileTree(work: string, bookwormRoot: string): HostileTree {
  const sentinel = `VIGIL-SENTINEL-${randomBytes(8).toString('hex')}`;
  const root = join(work, 'root');
  const outside = join(work, 'outside');
  const put = (path: string, data: string | Buffer): void => {
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, data);
  };
  put(join(outside, 'package.json'), JSON.stringify({ name: sentinel.toLowerCase(), version: '6.6.6' }));
  put(join(outside, 'status'), `Package: ${sentinel}\nStatus: install ok installed\nVersion: 6.6.6\n\n`);
  put(join(root, 'etc/os-release'), readFileSync(join(bookwormRoot, 'etc/os-release')));
  const cases: HostileCase[] = [];
  const add = (c: HostileCase): void => void cases.push(c);

  // dpkg: a status cut off inside a stanza, and binary garbage in distroless status.d.
  put(join(root, 'var/lib/dpkg/status'), truncatedStatus(join(bookwormRoot, 'var/lib/dpkg/status')));
  add({ what: 'truncated status', path: '/var/lib/dpkg/status', reasons: ['parse-error'], needs: 'dpkg-db' });
  put(join(root, 'var/lib/dpkg/status.d/garbage'), garbage(64 * 1024));
  add({
    what: 'binary garbage',
    path: '/var/lib/dpkg/status.d/garbage',
    reasons: ['parse-error'],
    needs: 'dpkg-db',
  });

  // Symlinks out of the root: absolute (chroot semantics make it dangle) and relative `../` climbs.
  link(join(outside, 'status'), root, 'var/lib/dpkg/status.d/abs-escape');
  add({
    what: 'absolute link out',
    path: '/var/lib/dpkg/status.d/abs-escape',
    reasons: ['symlink-broken'],
    needs: 'dpkg-db',
  });
  link('../../../../../outside/status', root, 'var/lib/dpkg/status.d/rel-escape');
  add({
    what: 'relative link out',
    path: '/var/lib/dpkg/status.d/rel-escape',
    reasons: ['symlink-escape'],
    needs: 'dpkg-db',
  });
  const nm = 'usr/lib/node_modules';
  link(join(outside, 'package.json'), root, `${nm}/escape-abs/package.json`);
  add({
    what: 'absolute link out',
    path: `/${nm}/escape-abs/package.json`,
    reasons: ['symlink-broken'],
    needs: 'npm-installed',
  });
  link('../../../../../outside/package.json', root, `${nm}/escape-rel/package.json`);
  add({
    what: 'relative link out',
    path: `/${nm}/escape-rel/package.json`,
    reasons: ['symlink-escape'],
    needs: 'npm-installed',
  });
  link('../../../../outside', root, `${nm}/escape-dir`); // a directory link: never walked into

  // A symlink loop between two matched paths.
  link('../loop-b/package.json', root, `${nm}/loop-a/package.json`);
  link('../loop-a/package.json', root, `${nm}/loop-b/package.json`);
  for (const l of ['loop-a', 'loop-b'])
    add({
      what: 'symlink loop',
      path: `/${nm}/${l}/package.json`,
      reasons: ['symlink-loop'],
      needs: 'npm-installed',
    });

  // 2 GiB sparse files where catalogers look: a lockfile (read whole) and a jar (read piecewise).
  mkdirSync(join(root, 'opt/app'), { recursive: true });
  execFileSync('truncate', [
    '-s',
    '2G',
    join(root, 'opt/app/package-lock.json'),
    join(root, 'opt/app/huge.jar'),
  ]);
  add({
    what: '2 GiB sparse lockfile',
    path: '/opt/app/package-lock.json',
    reasons: ['too-large'],
    needs: 'npm-package-lock',
  });
  add({
    what: '2 GiB sparse jar',
    path: '/opt/app/huge.jar',
    reasons: ['too-large', 'parse-error'],
    needs: 'java-archive',
  });

  // Device nodes and a FIFO at matched paths: reading them would block or never end.
  mknod(join(root, 'var/lib/dpkg/status.d/devnull'), 'c', '1', '3');
  add({ what: 'char device', path: '/var/lib/dpkg/status.d/devnull', reasons: ['device'], needs: 'dpkg-db' });
  mknod(join(root, `${nm}/zero/package.json`), 'c', '1', '5');
  add({
    what: 'char device (/dev/zero)',
    path: `/${nm}/zero/package.json`,
    reasons: ['device'],
    needs: 'npm-installed',
  });
  mkdirSync(join(root, `${nm}/fifo`), { recursive: true });
  execFileSync('mkfifo', [join(root, `${nm}/fifo/package.json`)]);
  add({ what: 'FIFO', path: `/${nm}/fifo/package.json`, reasons: ['device'], needs: 'npm-installed' });

  // A directory only root can enter (mode 000).
  put(join(root, `${nm}/private/package.json`), JSON.stringify({ name: 'private-pkg', version: '1.0.0' }));
  chmodSync(join(root, `${nm}/private`), 0o000);
  add({
    what: 'unreadable directory',
    path: `/${nm}/private`,
    reasons: ['unreadable'],
    needs: 'npm-installed',
    unprivilegedOnly: true,
  });
  return { root, outside, sentinel, cases };
}

function link(target: string, root: string, path: string): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  symlinkSync(target, join(root, path));
}

function mknod(path: string, type: string, major: string, minor: string): void {
  mkdirSync(dirname(path), { recursive: true });
  execFileSync('mknod', [path, type, major, minor]);
}

/** The real bookworm status, cut right after the `Package:` line of a stanza in its middle. */
function truncatedStatus(statusPath: string): string {
  const text = readFileSync(statusPath, 'utf8');
  const starts = [...text.matchAll(/^Package: .*\n/gm)];
  const cut = starts[Math.floor(starts.length / 2)] as RegExpMatchArray;
  return text.slice(0, (cut.index ?? 0) + cut[0].length);
}

/** Deterministic bytes with NULs and invalid UTF-8, so a failure reproduces. */
function garbage(size: number): Buffer {
  const out: Buffer[] = [];
  let block = createHash('sha256').update('vigil-garbage').digest();
  for (let n = 0; n < size; n += block.length) {
    out.push(block);
    block = createHash('sha256').update(block).digest();
  }
  return Buffer.concat(out).subarray(0, size);
}

import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { buildFixture } from '../fixtures/fixture-build.js';
import { testCacheDir } from '../fixtures/test-cache.js';

const run = promisify(execFile);
const BIG = { maxBuffer: 64 * 1024 * 1024, timeout: 15 * 60_000 };

/**
 * The cached bookworm minbase rootfs, copied, with Debian packages (python3-*, node-*) installed by the
 * real `apt-get install` inside a chroot (so dpkg records their files, as on a real host). Cached under
 * ~/.cache/vigil-test/apt-rootfs keyed by the package list; a completion marker guards half-built trees.
 */
export async function aptRootfs(packages: readonly string[]): Promise<string> {
  const sorted = [...packages].sort();
  const key = `bookworm-${createHash('sha256').update(sorted.join(',')).digest('hex').slice(0, 10)}`;
  const dir = join(testCacheDir('apt-rootfs'), key);
  const marker = join(dir, '.vigil-complete');
  if (existsSync(marker)) return dir;
  return buildFixture(`apt-rootfs-${key}`, async () => {
    if (existsSync(marker)) return dir;
    const base = await debianRootfs({ suite: 'bookworm' });
    const tmp = `${dir}.partial`;
    // A run killed mid-build may have left /proc mounted in the partial tree: never delete through it.
    await run('umount', [join(tmp, 'proc')]).catch(() => undefined);
    await run('rm', ['-rf', '--one-file-system', tmp]);
    await run('cp', ['-a', base, tmp], BIG);
    rmSync(join(tmp, '.vigil-complete'), { force: true });
    await run('mount', ['-t', 'proc', 'proc', join(tmp, 'proc')]);
    try {
      const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive', LC_ALL: 'C' };
      await run('chroot', [tmp, 'apt-get', 'update', '-qq'], { ...BIG, env });
      await run('chroot', [tmp, 'apt-get', 'install', '-y', '-qq', ...sorted], {
        ...BIG,
        env,
      });
      await run('chroot', [tmp, 'apt-get', 'clean'], { ...BIG, env });
    } finally {
      await run('umount', [join(tmp, 'proc')]);
    }
    writeFileSync(join(tmp, '.vigil-complete'), new Date().toISOString());
    rmSync(dir, { recursive: true, force: true });
    renameSync(tmp, dir);
    return dir;
  });
}

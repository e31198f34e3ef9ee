import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { requireTool } from '../fixtures/required-tool.js';

/** Where and as whom a command runs in an image's root filesystem. */
export interface RootfsRun {
  rootfs: string;
  uid: number;
  /** A directory mounted at the image's volume /var/lib/vigil, as a runtime mounts a volume. */
  volume: string;
}

/**
 * Runs ARGV inside an image's root filesystem as a container runtime would, without one: a private
 * mount and pid namespace (`unshare`; nothing is mounted on this machine's tree and the rootfs itself
 * is not written), /proc, /dev and the volume mounted in it, then `chroot --userspec` as the given uid
 * with the image's environment only. The child leads its own process group: `process.kill(-pid)`.
 */
export function runInRootfs({ rootfs, uid, volume }: RootfsRun, argv: readonly string[]): ChildProcess {
  const unshare = requireTool('unshare', 'util-linux');
  requireTool('chroot', 'coreutils');
  const script = [
    'mount -t proc proc "$0/proc"',
    'mount --rbind /dev "$0/dev"',
    'mount --bind "$VIGIL_VOLUME" "$0/var/lib/vigil"',
    `exec chroot --userspec=${uid}:${uid} "$0" /usr/bin/env -i HOME=/var/lib/vigil NODE_ENV=production PATH=/usr/local/bin:/usr/bin:/bin "$@"`,
  ].join(' && ');
  return spawn(unshare, ['--mount', '--pid', '--fork', '--kill-child', 'sh', '-c', script, rootfs, ...argv], {
    detached: true,
    env: { PATH: process.env['PATH'] ?? '/usr/sbin:/usr/bin:/sbin:/bin', VIGIL_VOLUME: volume },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs ARGV in the rootfs to its end: its exit code and output. */
export function runToEnd(
  where: RootfsRun,
  argv: readonly string[],
): Promise<{ code: number | null; output: string }> {
  const child = runInRootfs(where, argv);
  let output = '';
  child.stdout?.on('data', (b: Buffer) => (output += b.toString()));
  child.stderr?.on('data', (b: Buffer) => (output += b.toString()));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** Resolves with the server's URL from its "listening on" line; rejects, with its output, if it exits first. */
export function listeningUrl(child: ChildProcess): Promise<string> {
  let output = '';
  return new Promise((resolve, reject) => {
    child.stderr?.on('data', (b: Buffer) => {
      output += b.toString();
      const url = /listening on (http:\/\/\S+)/.exec(output)?.[1];
      if (url) resolve(url);
    });
    child.on('close', (code) => reject(new Error(`the server exited ${code} before listening:\n${output}`)));
  });
}

/** The real uid of the process that `unshare --fork` started (the command in the chroot). */
export function commandUid(unsharePid: number): number {
  const child = readFileSync(`/proc/${unsharePid}/task/${unsharePid}/children`, 'utf8').trim().split(' ')[0];
  const status = readFileSync(`/proc/${child}/status`, 'utf8');
  return Number(/^Uid:\s+(\d+)/m.exec(status)?.[1]);
}

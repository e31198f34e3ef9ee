import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SocketOwner } from '../network-facts.js';

/**
 * Which processes hold which sockets: every `/proc/PID/fd/N` that links to `socket:[INODE]`. Socket
 * inodes are unique across namespaces, so an owner in another namespace is still found. Processes
 * that vanish or deny reading while we look are skipped (their sockets keep no owner).
 */
export async function socketOwners(
  procRoot: string,
  inodes: ReadonlySet<number>,
): Promise<Map<number, SocketOwner[]>> {
  const out = new Map<number, SocketOwner[]>();
  if (inodes.size === 0) return out;
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  for (const pid of pids) {
    const held = await heldInodes(join(procRoot, pid, 'fd'), inodes);
    if (held.size === 0) continue;
    const owner = await describe(procRoot, Number(pid));
    if (!owner) continue;
    for (const inode of held) out.set(inode, [...(out.get(inode) ?? []), owner]);
  }
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

async function heldInodes(fdDir: string, wanted: ReadonlySet<number>): Promise<Set<number>> {
  const held = new Set<number>();
  const fds = await readdir(fdDir).catch(() => [] as string[]);
  for (const fd of fds) {
    const target = await readlink(join(fdDir, fd)).catch(() => '');
    const m = /^socket:\[(\d+)\]$/.exec(target);
    if (m && wanted.has(Number(m[1]))) held.add(Number(m[1]));
  }
  return held;
}

async function describe(procRoot: string, pid: number): Promise<SocketOwner | undefined> {
  const dir = join(procRoot, String(pid));
  const comm = await readFile(join(dir, 'comm'), 'utf8').catch(() => undefined);
  if (comm === undefined) return undefined;
  const exe = await readlink(join(dir, 'exe')).catch(() => undefined);
  const cgroup = await readFile(join(dir, 'cgroup'), 'utf8').catch(() => '');
  const unit = unitOf(cgroup);
  return {
    pid,
    comm: comm.trim(),
    ...(exe ? { exe: exe.replace(/ \(deleted\)$/, '') } : {}),
    ...(unit ? { unit } : {}),
  };
}

/** The systemd unit from a cgroup path (`0::/system.slice/ssh.service` → `ssh.service`). */
export function unitOf(cgroup: string): string | undefined {
  for (const line of cgroup.split('\n')) {
    const path = line.split(':').slice(2).join(':');
    const parts = path.split('/').filter((p) => p !== '');
    const unit =
      [...parts].reverse().find((p) => p.endsWith('.service')) ??
      [...parts].reverse().find((p) => p.endsWith('.scope'));
    if (unit) return unit;
  }
  return undefined;
}

import { readFile, readdir, readlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { SocketOwner } from '../network-facts.js';

/**
 * Which processes hold which sockets: every `/proc/PID/fd/N` that links to `socket:[INODE]`. Processes
 * of our own network namespace are read first; only if a socket is still without an owner are the
 * others read too (socket inodes are unique across namespaces, and a process can hold a socket of a
 * namespace it is not in). Processes that vanish or deny reading while we look are skipped.
 */
export async function socketOwners(
  procRoot: string,
  inodes: ReadonlySet<number>,
): Promise<Map<number, SocketOwner[]>> {
  const out = new Map<number, SocketOwner[]>();
  if (inodes.size === 0) return out;
  const pids = (await readdir(procRoot).catch(() => [] as string[])).filter((n) => /^\d+$/.test(n));
  const ours = await readlink(join(procRoot, 'self', 'ns', 'net')).catch(() => undefined);
  const netns = await Promise.all(
    pids.map((pid) => readlink(join(procRoot, pid, 'ns', 'net')).catch(() => undefined)),
  );
  const local = pids.filter((_, i) => ours === undefined || netns[i] === ours);
  await scan(procRoot, local, inodes, out);
  if (out.size < inodes.size)
    await scan(
      procRoot,
      pids.filter((_, i) => !local.includes(pids[i] as string)),
      inodes,
      out,
    );
  for (const list of out.values()) list.sort((a, b) => a.pid - b.pid);
  return out;
}

async function scan(
  procRoot: string,
  pids: readonly string[],
  inodes: ReadonlySet<number>,
  out: Map<number, SocketOwner[]>,
): Promise<void> {
  for (const pid of pids) {
    const held = await heldInodes(join(procRoot, pid, 'fd'), inodes);
    if (held.size === 0) continue;
    const owner = await describe(procRoot, Number(pid));
    if (!owner) continue;
    for (const inode of held) out.set(inode, [...(out.get(inode) ?? []), owner]);
  }
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

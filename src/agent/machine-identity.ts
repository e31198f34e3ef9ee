import { randomBytes } from 'node:crypto';
import { hostname as osHostname } from 'node:os';
import { DirectoryResolver } from '../source/directory/directory-resolver.js';
import type { AgentState } from './agent-state.js';

/** systemd's machine-id(5): 32 lower-case hex digits ("uninitialized" and empty files do not count). */
const MACHINE_ID = /^[0-9a-f]{32}$/;
const MACHINE_ID_FILES = ['/etc/machine-id', '/var/lib/dbus/machine-id'];
/** RFC 1123 host names; anything else in /etc/hostname is not trusted as a name. */
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$/;

export interface MachineIdentity {
  machineId: string;
  /** Where it came from: a path in the root, or "generated" (kept in the state dir). */
  machineIdSource: string;
  hostname: string;
}

/**
 * Who this machine is, read from the root being inventoried (chroot-style: dbus's machine-id is often
 * an absolute symlink to /etc/machine-id, which must resolve inside the root, never to the host's).
 * With no machine id in the root, a random one is generated once and kept in the state dir, so the
 * same root enrolls as the same resource every time.
 */
export async function machineIdentity(root: string, state: AgentState): Promise<MachineIdentity> {
  const resolver = new DirectoryResolver(root, { maxFileSize: 4096 });
  let machineId: string | undefined;
  let machineIdSource = 'generated';
  for (const path of MACHINE_ID_FILES) {
    const text = await readSmall(resolver, path);
    if (text && MACHINE_ID.test(text)) {
      machineId = text;
      machineIdSource = path;
      break;
    }
  }
  if (!machineId) {
    const kept = await state.readText('machineId');
    machineId = kept && MACHINE_ID.test(kept) ? kept : randomBytes(16).toString('hex');
    if (kept !== machineId) await state.write('machineId', `${machineId}\n`);
  }
  return { machineId, machineIdSource, hostname: await hostnameOf(root, resolver) };
}

/** The live host's current (kernel) name; a mounted root's own /etc/hostname, which the kernel never saw. */
async function hostnameOf(root: string, resolver: DirectoryResolver): Promise<string> {
  if (root === '/') return osHostname();
  const text = await readSmall(resolver, '/etc/hostname');
  const first = text?.split(/\s+/)[0];
  return first && HOSTNAME.test(first) ? first : 'localhost';
}

async function readSmall(resolver: DirectoryResolver, path: string): Promise<string | undefined> {
  try {
    return (await resolver.readFile(path)).toString('utf8').trim();
  } catch {
    return undefined;
  }
}

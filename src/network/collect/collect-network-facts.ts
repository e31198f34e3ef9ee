import { readFile, readlink } from 'node:fs/promises';
import type { IpFamily } from '../address/ip-address.js';
import {
  NETWORK_FACTS_SCHEMA,
  NETWORK_FACTS_VERSION,
  type CollectionNote,
  type ListeningSocket,
  type NetworkFacts,
} from '../network-facts.js';
import { runReadOnly, type CommandLimits } from './command-runner.js';
import { collectFirewall } from './firewall-collector.js';
import { collectInterfaces } from './interface-collector.js';
import { isListening, parseProcNet } from './proc-net-sockets.js';
import { socketOwners } from './socket-owners.js';

/**
 * The network facts of the namespace this process runs in. `--root` never applies here: sockets,
 * firewall and interfaces are those of the agent's own network namespace, so a test runs the
 * collector inside a namespace with `ip netns exec`.
 */

export interface CollectOptions {
  /** Told by flag or file; never asked of a metadata service. */
  instanceId?: string;
  procRoot?: string;
  limits?: Partial<CommandLimits>;
}

export const DEFAULT_LIMITS: CommandLimits = { timeoutMs: 15_000, maxBytes: 32 * 1024 * 1024 };

const PROC_FILES: readonly [string, 'TCP' | 'UDP', IpFamily][] = [
  ['tcp', 'TCP', 4],
  ['tcp6', 'TCP', 6],
  ['udp', 'UDP', 4],
  ['udp6', 'UDP', 6],
];

export async function collectNetworkFacts(options: CollectOptions = {}): Promise<NetworkFacts> {
  const limits = { ...DEFAULT_LIMITS, ...options.limits };
  const procRoot = options.procRoot ?? '/proc';
  const netnsInode = await netnsOf(procRoot);
  const [sockets, fw, ifs] = await Promise.all([
    collectSockets(procRoot, limits, netnsInode),
    collectFirewall(limits, procRoot),
    collectInterfaces(limits),
  ]);
  return {
    schema: NETWORK_FACTS_SCHEMA,
    version: NETWORK_FACTS_VERSION,
    collectedAt: new Date().toISOString(),
    ...(netnsInode === undefined ? {} : { netnsInode }),
    ...(options.instanceId ? { cloud: { provider: 'aws' as const, instanceId: options.instanceId } } : {}),
    sockets: sockets.sockets,
    firewall: fw.firewall,
    interfaces: ifs.interfaces,
    routes: ifs.routes,
    notes: [...sockets.notes, ...fw.notes, ...ifs.notes],
  };
}

async function netnsOf(procRoot: string): Promise<number | undefined> {
  const link = await readlink(`${procRoot}/self/ns/net`).catch(() => '');
  const m = /^net:\[(\d+)\]$/.exec(link);
  return m ? Number(m[1]) : undefined;
}

async function collectSockets(
  procRoot: string,
  limits: CommandLimits,
  netnsInode: number | undefined,
): Promise<{ sockets: ListeningSocket[]; notes: CollectionNote[] }> {
  const notes: CollectionNote[] = [];
  const found = [];
  for (const [file, protocol, family] of PROC_FILES) {
    const source = `/proc/net/${file}`;
    const text = await readFile(`${procRoot}/net/${file}`, 'utf8').catch((e: NodeJS.ErrnoException) => {
      // A kernel without IPv6 has no tcp6/udp6: no sockets of that family, not a gap.
      if (e.code !== 'ENOENT' || family === 4)
        notes.push({ source, code: 'UNREADABLE', message: `${source}: ${e.code ?? e.message}` });
      return '';
    });
    if (text.length > limits.maxBytes) {
      notes.push({ source, code: 'OUTPUT_TOO_LARGE', message: `${source} is over ${limits.maxBytes} bytes` });
      continue;
    }
    found.push(...parseProcNet(text, protocol, family).filter(isListening));
  }
  const owners = await socketOwners(procRoot, new Set(found.map((s) => s.inode)));
  const v6only = await v6OnlyByInode(limits, notes);
  const sockets = found.map((s): ListeningSocket => {
    const v6 = s.family === 6 ? v6only.get(s.inode) : undefined;
    return {
      protocol: s.protocol,
      family: s.family,
      address: s.address,
      port: s.port,
      inode: s.inode,
      ...(netnsInode === undefined ? {} : { netnsInode }),
      ...(v6 === undefined ? {} : { v6Only: v6 }),
      owners: owners.get(s.inode) ?? [],
    };
  });
  return { sockets, notes };
}

/** IPV6_V6ONLY is not in /proc/net; `ss -e` prints it per socket inode (from sock_diag). */
async function v6OnlyByInode(limits: CommandLimits, notes: CollectionNote[]): Promise<Map<number, boolean>> {
  const out = new Map<number, boolean>();
  const res = await runReadOnly('ss', 'ss', ['-H', '-l', '-n', '-t', '-u', '-e', '-6'], limits);
  if (!res.ok) {
    notes.push({ ...res.note, message: `${res.note.message}; IPV6_V6ONLY of IPv6 sockets unknown` });
    return out;
  }
  for (const line of res.stdout.split('\n')) {
    const ino = /\bino:(\d+)/.exec(line);
    const v6 = /\bv6only:([01])/.exec(line);
    if (ino && v6) out.set(Number(ino[1]), v6[1] === '1');
  }
  return out;
}

import type { IpFamily } from '../address/ip-address.js';
import type { CollectionNote, NetworkInterface, RouteFact } from '../network-facts.js';
import { runReadOnly, type CommandLimits } from './command-runner.js';

/** Interfaces with their addresses (`ip -j addr`) and the main routing table (`ip -j route`). */

interface IpAddrJson {
  ifindex?: number;
  ifname?: string;
  flags?: string[];
  addr_info?: { family?: string; local?: string; prefixlen?: number }[];
}

interface IpRouteJson {
  dst?: string;
  dev?: string;
  gateway?: string;
  type?: string;
  nexthops?: { dev?: string; gateway?: string }[];
}

export async function collectInterfaces(
  limits: CommandLimits,
): Promise<{ interfaces: NetworkInterface[]; routes: RouteFact[]; notes: CollectionNote[] }> {
  const notes: CollectionNote[] = [];
  const [addr, r4, r6] = await Promise.all([
    runReadOnly('ip addr', 'ip', ['-j', 'addr', 'show'], limits),
    runReadOnly('ip route', 'ip', ['-j', '-4', 'route', 'show', 'table', 'main'], limits),
    runReadOnly('ip route', 'ip', ['-j', '-6', 'route', 'show', 'table', 'main'], limits),
  ]);
  const interfaces = addr.ok
    ? (parseJson<IpAddrJson[]>(addr.stdout, 'ip addr', notes)?.map(toInterface) ?? [])
    : (notes.push(addr.note), []);
  const routes: RouteFact[] = [];
  for (const [res, family] of [
    [r4, 4],
    [r6, 6],
  ] as const) {
    if (!res.ok) {
      notes.push(res.note);
      continue;
    }
    for (const r of parseJson<IpRouteJson[]>(res.stdout, 'ip route', notes) ?? [])
      routes.push(...toRoutes(r, family));
  }
  return { interfaces, routes, notes };
}

function parseJson<T>(text: string, source: string, notes: CollectionNote[]): T | undefined {
  try {
    const v = JSON.parse(text.trim() === '' ? '[]' : text) as unknown;
    if (Array.isArray(v)) return v as T;
  } catch {
    // fall through to the note
  }
  notes.push({
    source,
    code: 'TOOL_FAILED',
    message: `${source} -j printed something that is not a JSON list`,
  });
  return undefined;
}

function toInterface(j: IpAddrJson): NetworkInterface {
  const addresses: NetworkInterface['addresses'] = [];
  for (const a of j.addr_info ?? []) {
    if (
      (a.family !== 'inet' && a.family !== 'inet6') ||
      typeof a.local !== 'string' ||
      typeof a.prefixlen !== 'number'
    )
      continue;
    addresses.push({ family: a.family === 'inet' ? 4 : 6, address: a.local, prefixLength: a.prefixlen });
  }
  return { name: j.ifname ?? '', index: j.ifindex ?? 0, up: (j.flags ?? []).includes('UP'), addresses };
}

function toRoutes(r: IpRouteJson, family: IpFamily): RouteFact[] {
  const base = {
    family,
    destination: r.dst ?? 'default',
    ...(r.type && r.type !== 'unicast' ? { type: r.type } : {}),
  };
  const hops = r.nexthops ?? [
    { ...(r.dev ? { dev: r.dev } : {}), ...(r.gateway ? { gateway: r.gateway } : {}) },
  ];
  return hops.map((h) => ({
    ...base,
    ...(h.dev ? { device: h.dev } : {}),
    ...(h.gateway ? { gateway: h.gateway } : {}),
  }));
}

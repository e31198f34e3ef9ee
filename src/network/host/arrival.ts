import type { IntervalSet } from '../address/interval-set.js';
import { parseAddress, parseCidr, type IpFamily } from '../address/ip-address.js';
import type { ListeningSocket, NetworkFacts } from '../network-facts.js';

/**
 * Where packets from a set of source addresses arrive, and which host addresses they can be sent to.
 * A connection is only possible from sources the host can answer, so the interface is the one the
 * host's own route to the source uses (longest prefix of the main table; the reverse-path filter
 * agrees). The destination is an address of that interface: an internet client connects to the
 * address the host shows on the internet side, not to its LAN address.
 */

export interface Arrival {
  /** Undefined when the routes are not known (then `iif` matches are UNKNOWN). */
  iface: string | undefined;
  set: IntervalSet;
  daddrs: { value: bigint; text: string }[];
}

const LINK_LOCAL: Record<IpFamily, IntervalSet> = {
  4: (parseCidr('169.254.0.0/16') as { set: IntervalSet }).set,
  6: (parseCidr('fe80::/10') as { set: IntervalSet }).set,
};
const LOOPBACK: Record<IpFamily, IntervalSet> = {
  4: (parseCidr('127.0.0.0/8') as { set: IntervalSet }).set,
  6: (parseCidr('::1/128') as { set: IntervalSet }).set,
};

function hostAddresses(facts: NetworkFacts, family: IpFamily, iface: string | undefined): Arrival['daddrs'] {
  const out: Arrival['daddrs'] = [];
  for (const i of facts.interfaces) {
    if ((iface !== undefined && i.name !== iface) || !i.up) continue;
    for (const a of i.addresses) {
      const p = parseAddress(a.address);
      if (!p || p.family !== family || LINK_LOCAL[family].has(p.value) || LOOPBACK[family].has(p.value))
        continue;
      out.push({ value: p.value, text: a.address });
    }
  }
  return out;
}

export function routesKnown(facts: NetworkFacts): boolean {
  return !facts.notes.some((n) => n.source.startsWith('ip route') || n.source.startsWith('ip addr'));
}

export function arrivals(facts: NetworkFacts, family: IpFamily, set: IntervalSet): Arrival[] {
  if (!routesKnown(facts))
    return [{ iface: undefined, set, daddrs: hostAddresses(facts, family, undefined) }];
  const routes = facts.routes
    .filter((r) => r.family === family)
    .map((r) => ({
      route: r,
      dest: parseCidr(r.destination === 'default' ? (family === 4 ? '0.0.0.0/0' : '::/0') : r.destination),
    }))
    .filter(
      (r): r is typeof r & { dest: NonNullable<typeof r.dest> } =>
        r.dest !== undefined && r.dest.family === family,
    )
    .sort((a, b) => size(a.dest.set) - size(b.dest.set));
  const out: Arrival[] = [];
  let remaining = set;
  let i = 0;
  while (i < routes.length && !remaining.isEmpty()) {
    // Routes to the same destination (multipath) share the part of the set they cover.
    const group = routes.filter((r) => r.dest.set.equals((routes[i] as (typeof routes)[number]).dest.set));
    i += group.length;
    const part = remaining.intersect((group[0] as (typeof routes)[number]).dest.set);
    if (part.isEmpty()) continue;
    for (const { route } of group) {
      const unicast = route.type === undefined || route.type === 'unicast';
      if (unicast && route.device && route.device !== 'lo') {
        out.push({ iface: route.device, set: part, daddrs: hostAddresses(facts, family, route.device) });
      }
    }
    remaining = remaining.subtract(part);
  }
  return out;
}

/** Prefix length as an ordering key: longer prefixes (smaller sets) first. */
function size(set: IntervalSet): number {
  const [lo, hi] = set.intervals[0] ?? [0n, 0n];
  return (hi - lo).toString(2).length;
}

export function isLoopbackSocket(s: ListeningSocket): boolean {
  const p = parseAddress(s.address);
  if (!p) return false;
  if (LOOPBACK[p.family].has(p.value)) return true;
  const mapped = p.family === 6 ? mappedV4(p.value) : undefined;
  return mapped !== undefined && LOOPBACK[4].has(mapped);
}

function mappedV4(v: bigint): bigint | undefined {
  return v >> 32n === 0xffffn ? v & 0xffffffffn : undefined;
}

/** Whether the kernel hands a packet to `daddr` of `family` to this socket; 'unknown' if v6only is not known. */
export function socketAccepts(s: ListeningSocket, family: IpFamily, daddr: bigint): boolean | 'unknown' {
  const p = parseAddress(s.address);
  if (!p) return false;
  if (p.family === 4) return family === 4 && (p.value === 0n || p.value === daddr);
  if (family === 6) return p.value === 0n || p.value === daddr;
  const mapped = mappedV4(p.value);
  if (mapped !== undefined) return mapped === daddr;
  if (p.value !== 0n) return false;
  return s.v6Only === undefined ? 'unknown' : !s.v6Only;
}

import { lookup as dnsLookup } from 'node:dns/promises';
import ipaddr from 'ipaddr.js';
import type { EgressAllowList } from './egress-allow-list.js';
import { effectiveAddress, ipLiteral, nonPublicRange, type IpAddress } from './egress-address.js';
import { EgressDeniedError } from './egress-denied-error.js';
import { EgressUnreachableError } from './egress-unreachable-error.js';

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

/** Name → addresses. The system resolver by default; tests inject their own (no network). */
export type EgressLookup = (hostname: string) => Promise<ResolvedAddress[]>;

export interface EgressPolicy {
  allow: EgressAllowList;
  lookup: EgressLookup;
}

export const systemLookup: EgressLookup = async (hostname) => {
  const all = await dnsLookup(hostname, { all: true, verbatim: true });
  return all.map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

/**
 * The addresses a connection to `host` may use: resolved once, and EVERY address checked, so a name
 * with one public and one private address is refused rather than connected at random. Allowed are
 * public addresses, addresses in the allow list's ranges, and anything a host name on the allow list
 * resolves to. The caller connects to exactly what this returns (no second resolution to rebind).
 */
export async function resolveChecked(host: string, policy: EgressPolicy): Promise<ResolvedAddress[]> {
  // RFC 6761: localhost and its subdomains are this machine, whatever a resolver would say.
  if (isLocalhostName(host) && !policy.allow.allowsHost(host)) throw new EgressDeniedError(host);
  const literal = ipLiteral(host);
  let found: ResolvedAddress[];
  if (literal) found = [{ address: literal.toString(), family: literal.kind() === 'ipv4' ? 4 : 6 }];
  else {
    try {
      found = await policy.lookup(host);
    } catch {
      throw new EgressUnreachableError(host);
    }
  }
  if (found.length === 0) throw new EgressUnreachableError(host);
  const hostAllowed = policy.allow.allowsHost(host);
  return found.map((a) => {
    const addr = parsed(host, a.address);
    if (!hostAllowed && !policy.allow.allowsAddress(addr) && nonPublicRange(addr) !== undefined)
      throw new EgressDeniedError(host);
    // Canonical text, so the socket connects to exactly the address that was judged.
    const target = effectiveAddress(addr);
    return { address: target.toString(), family: target.kind() === 'ipv4' ? 4 : 6 };
  });
}

function isLocalhostName(host: string): boolean {
  const h = host.toLowerCase().replace(/\.$/, '');
  return h === 'localhost' || h.endsWith('.localhost');
}

function parsed(host: string, address: string): IpAddress {
  try {
    return ipaddr.parse(address);
  } catch {
    // A resolver answer that is not an address is not connected to.
    throw new EgressDeniedError(host);
  }
}

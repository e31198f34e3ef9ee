import {
  emptySpace,
  formatAddress,
  parseAddress,
  prefixInterval,
  spaceOf,
  withoutCidrs,
  type AddressSpace,
} from '../address/ip-address.js';
import { isPrivateAddress, publicInternetSpace } from '../address/public-space.js';
import type { NetworkFacts } from '../network-facts.js';

/**
 * Where traffic can come from, as the host analysis asks: the INTERNET (any public address by
 * default), each private network the host is directly connected to, and the CIDRs the account names
 * as trusted. Callers may pass their own classes (a test declares which addresses stand for the
 * internet), so the analysis never has to guess what "the internet" is.
 */
export type SourceClassKind = 'INTERNET' | 'PRIVATE_NETWORK' | 'TRUSTED';

export interface SourceClass {
  id: string;
  kind: SourceClassKind;
  /** CIDRs of the class; for INTERNET, absent means every public address. */
  cidrs?: readonly string[];
  /**
   * CIDRs taken out of the class: the account's trusted ranges (its VPN, its office) are not "the
   * internet", so a port open only to them is not reachable from the internet.
   */
  exceptCidrs?: readonly string[];
}

export function sourceClassSpace(c: SourceClass): AddressSpace {
  const space =
    c.kind === 'INTERNET' && c.cidrs === undefined
      ? publicInternetSpace()
      : c.cidrs
        ? spaceOf(c.cidrs)
        : emptySpace();
  return c.exceptCidrs && c.exceptCidrs.length > 0 ? withoutCidrs(space, c.exceptCidrs) : space;
}

export function defaultSourceClasses(
  facts: NetworkFacts,
  trustedCidrs: readonly string[] = [],
): SourceClass[] {
  const out: SourceClass[] = [
    { id: 'INTERNET', kind: 'INTERNET', ...(trustedCidrs.length > 0 ? { exceptCidrs: trustedCidrs } : {}) },
  ];
  const seen = new Set<string>();
  for (const iface of facts.interfaces) {
    for (const a of iface.addresses) {
      const addr = parseAddress(a.address);
      if (!addr || !isPrivateAddress(addr.family, addr.value)) continue;
      const net = prefixInterval(addr.family, addr.value, a.prefixLength).first() ?? 0n;
      const cidr = `${formatAddress(addr.family, net)}/${a.prefixLength}`;
      if (seen.has(cidr) || a.prefixLength === (addr.family === 4 ? 32 : 128)) continue;
      seen.add(cidr);
      out.push({ id: `PRIVATE_NETWORK ${cidr}`, kind: 'PRIVATE_NETWORK', cidrs: [cidr] });
    }
  }
  if (trustedCidrs.length > 0) out.push({ id: 'TRUSTED', kind: 'TRUSTED', cidrs: trustedCidrs });
  return out;
}

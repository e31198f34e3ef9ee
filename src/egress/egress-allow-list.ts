import ipaddr from 'ipaddr.js';
import { EgressAllowInvalidError } from './egress-allow-invalid-error.js';
import { effectiveAddress, ipLiteral, type IpAddress } from './egress-address.js';

/**
 * The operator's exceptions to the deny list: addresses and CIDR ranges (what a name resolves to must
 * fall in one) and host names (`registry.internal`, or `*.corp.example` for its subdomains: connections
 * to that name are allowed whatever it resolves to).
 */
export interface EgressAllowList {
  readonly entries: readonly string[];
  allowsHost(host: string): boolean;
  allowsAddress(addr: IpAddress): boolean;
}

/** A DNS name: letters, digits and hyphens per label, and a last label that is not all digits. */
const LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Parses entries as given by `--egress-allow a,b,c`, VIGIL_EGRESS_ALLOW or (later) the config file;
 * each item may itself hold a comma- or space-separated list. Unknown forms are refused, never guessed:
 * `0x7f.1` or `127.1` is neither a dotted quad nor a name, and would silently allow nothing.
 */
export function parseEgressAllowList(items: readonly string[]): EgressAllowList {
  const entries = items.flatMap((i) => i.split(/[\s,]+/)).filter((e) => e !== '');
  const ranges: Array<[IpAddress, number]> = [];
  const hosts = new Set<string>();
  const suffixes: string[] = [];
  for (const entry of entries) {
    const lower = entry.toLowerCase();
    const literal = ipLiteral(lower);
    if (literal) ranges.push(effectiveRange(literal, literal.kind() === 'ipv4' ? 32 : 128));
    else if (lower.includes('/')) ranges.push(effectiveRange(...parseRange(entry)));
    else if (lower.startsWith('*.') && isHostName(lower.slice(2))) suffixes.push(lower.slice(1));
    else if (isHostName(lower)) hosts.add(normalHost(lower));
    else throw new EgressAllowInvalidError(entry);
  }
  return {
    entries,
    allowsHost(host) {
      const h = normalHost(host);
      return hosts.has(h) || suffixes.some((s) => h.endsWith(s));
    },
    allowsAddress(addr) {
      const a = effectiveAddress(addr);
      return ranges.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
    },
  };
}

/** Connections to ::ffff:a.b.c.d go to a.b.c.d: a mapped entry allows the IPv4 address (or range). */
function effectiveRange(addr: IpAddress, bits: number): [IpAddress, number] {
  const v4 = effectiveAddress(addr);
  return v4 === addr ? [addr, bits] : [v4, Math.max(0, bits - 96)];
}

function parseRange(entry: string): [IpAddress, number] {
  const [base = '', bits = ''] = entry.split('/');
  if (!ipLiteral(base) || !/^\d{1,3}$/.test(bits) || !ipaddr.isValidCIDR(entry))
    throw new EgressAllowInvalidError(entry);
  return ipaddr.parseCIDR(entry);
}

function isHostName(name: string): boolean {
  const labels = normalHost(name).split('.');
  const last = labels.at(-1) ?? '';
  return labels.every((l) => LABEL.test(l)) && !/^\d+$/.test(last) && !/^0x[0-9a-f]*$/.test(last);
}

/** URL hosts are lower-case already; a trailing dot names the same host. */
function normalHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

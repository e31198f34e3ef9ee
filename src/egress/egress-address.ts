import ipaddr from 'ipaddr.js';

export type IpAddress = ipaddr.IPv4 | ipaddr.IPv6;

/** NAT64's well-known prefix (RFC 6052): 64:ff9b::a.b.c.d reaches a.b.c.d through the NAT64 gateway. */
const NAT64_WELL_KNOWN = ipaddr.parseCIDR('64:ff9b::/96');
/** IPv4-compatible addresses (::a.b.c.d, deprecated by RFC 4291), besides :: and ::1. */
const IPV4_COMPATIBLE = ipaddr.parseCIDR('::/96');

/**
 * Why vigil does not connect to this address, or undefined when it is a public (global unicast) one.
 *
 * Everything ipaddr.js does not call `unicast` is refused: loopback, private (RFC 1918), CGNAT
 * 100.64/10, link-local (169.254/16 with the cloud metadata address, fe80::/10), unique-local
 * fc00::/7, 0.0.0.0/8 and ::, multicast, broadcast, and the reserved, documentation, benchmarking and
 * other special-purpose ranges. IPv6 forms that carry an IPv4 address are judged by that address:
 * IPv4-mapped ::ffff:a.b.c.d (the socket layer connects to a.b.c.d), NAT64 64:ff9b::/96 and 6to4
 * 2002::/16; IPv4-compatible ::a.b.c.d, Teredo and the local NAT64 prefix are refused whole.
 */
export function nonPublicRange(addr: IpAddress): string | undefined {
  if (addr instanceof ipaddr.IPv4) {
    const range = addr.range();
    return range === 'unicast' ? undefined : range;
  }
  const v6 = addr;
  const range = v6.range();
  if (range === 'ipv4Mapped') return embedded(range, v6.toIPv4Address());
  if (range === 'rfc6052' && v6.match(NAT64_WELL_KNOWN)) return embedded(range, lastFour(v6));
  if (range === '6to4') return embedded(range, sixToFourAddress(v6));
  if (range === 'unicast' && v6.match(IPV4_COMPATIBLE)) return 'ipv4Compatible';
  return range === 'unicast' ? undefined : range;
}

function embedded(range: string, v4: ipaddr.IPv4): string | undefined {
  const inner = nonPublicRange(v4);
  return inner === undefined ? undefined : `${range}(${inner})`;
}

function lastFour(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const p = v6.parts;
  return fromParts(p[6] ?? 0, p[7] ?? 0);
}

/** 2002:AABB:CCDD::/48 carries AA.BB.CC.DD. */
function sixToFourAddress(v6: ipaddr.IPv6): ipaddr.IPv4 {
  const p = v6.parts;
  return fromParts(p[1] ?? 0, p[2] ?? 0);
}

function fromParts(hi: number, lo: number): ipaddr.IPv4 {
  return new ipaddr.IPv4([hi >> 8, hi & 0xff, lo >> 8, lo & 0xff]);
}

/**
 * An IP literal as a host name carries it (`[::1]` in a URL), or undefined for a name. Only canonical
 * literals count: the WHATWG URL parser has already turned decimal, hex, octal and short IPv4 forms
 * (`2130706433`, `0x7f.1`, `0177.0.0.1`, `127.1`) into dotted quads; anything else is resolved as a
 * name, and what it resolves to is checked.
 */
export function ipLiteral(host: string): IpAddress | undefined {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  if (ipaddr.IPv4.isValidFourPartDecimal(bare)) return ipaddr.IPv4.parse(bare);
  if (bare.includes(':') && ipaddr.IPv6.isValid(bare)) return ipaddr.IPv6.parse(bare);
  return undefined;
}

/** The address a connection to `addr` really goes to: IPv4-mapped IPv6 is its IPv4 address. */
export function effectiveAddress(addr: IpAddress): IpAddress {
  return addr instanceof ipaddr.IPv6 && addr.isIPv4MappedAddress() ? addr.toIPv4Address() : addr;
}

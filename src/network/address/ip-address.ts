import ipaddr from 'ipaddr.js';
import { IntervalSet } from './interval-set.js';

export type IpFamily = 4 | 6;

export const FAMILY_MAX: Readonly<Record<IpFamily, bigint>> = {
  4: (1n << 32n) - 1n,
  6: (1n << 128n) - 1n,
};

const FAMILY_BITS: Readonly<Record<IpFamily, number>> = { 4: 32, 6: 128 };

export interface ParsedAddress {
  family: IpFamily;
  value: bigint;
}

function toBigInt(bytes: readonly number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/**
 * An address in any textual form ipaddr.js reads. An IPv4-mapped IPv6 address (::ffff:a.b.c.d) stays
 * IPv6: that is the family a socket or rule sees it in. Undefined when the text is not an address.
 */
export function parseAddress(text: string): ParsedAddress | undefined {
  const t = text.trim().replace(/%.*$/, '');
  if (!ipaddr.isValid(t)) return undefined;
  const addr = ipaddr.parse(t);
  return { family: addr.kind() === 'ipv4' ? 4 : 6, value: toBigInt(addr.toByteArray()) };
}

export function formatAddress(family: IpFamily, value: bigint): string {
  // IPv4-mapped IPv6 addresses are written as the kernel and ss write them: ::ffff:a.b.c.d.
  if (family === 6 && value >> 32n === 0xffffn) return `::ffff:${formatAddress(4, value & 0xffffffffn)}`;
  const bytes: number[] = [];
  const n = family === 4 ? 4 : 16;
  for (let i = n - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn));
  return ipaddr.fromByteArray(bytes).toString();
}

export interface ParsedCidr {
  family: IpFamily;
  set: IntervalSet;
}

export function prefixInterval(family: IpFamily, value: bigint, len: number): IntervalSet {
  const host = BigInt(FAMILY_BITS[family] - len);
  const lo = (value >> host) << host;
  return IntervalSet.of(lo, lo | ((1n << host) - 1n));
}

/** `10.0.0.0/8`, `fd00::/8` or a bare address (a /32 or /128). Host bits are ignored, as the kernel does. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const [addrText, lenText, extra] = text.trim().split('/');
  if (addrText === undefined || extra !== undefined) return undefined;
  const addr = parseAddress(addrText);
  if (!addr) return undefined;
  const bits = FAMILY_BITS[addr.family];
  const len = lenText === undefined ? bits : /^\d+$/.test(lenText) ? Number(lenText) : NaN;
  if (!(len >= 0 && len <= bits)) return undefined;
  return { family: addr.family, set: prefixInterval(addr.family, addr.value, len) };
}

/** An address range `a-b` (nft writes these for non-prefix intervals). */
export function parseAddressRange(lo: string, hi: string): ParsedCidr | undefined {
  const a = parseAddress(lo);
  const b = parseAddress(hi);
  if (!a || !b || a.family !== b.family) return undefined;
  return { family: a.family, set: IntervalSet.of(a.value, b.value) };
}

/** A set of addresses of both families. */
export interface AddressSpace {
  4: IntervalSet;
  6: IntervalSet;
}

export function emptySpace(): AddressSpace {
  return { 4: IntervalSet.EMPTY, 6: IntervalSet.EMPTY };
}

/** CIDR texts into an address space; throws on text that is not a CIDR (callers validate input). */
export function spaceOf(cidrs: readonly string[]): AddressSpace {
  const spans: Record<IpFamily, [bigint, bigint][]> = { 4: [], 6: [] };
  for (const c of cidrs) {
    const parsed = parseCidr(c);
    if (!parsed) throw new RangeError(`not a CIDR: ${c}`);
    spans[parsed.family].push(...parsed.set.intervals.map(([a, b]): [bigint, bigint] => [a, b]));
  }
  return { 4: IntervalSet.from(spans[4]), 6: IntervalSet.from(spans[6]) };
}

/** The space minus the CIDRs, family by family (the internet without an account's trusted ranges). */
export function withoutCidrs(space: AddressSpace, cidrs: readonly string[]): AddressSpace {
  const except = spaceOf(cidrs);
  return { 4: space[4].subtract(except[4]), 6: space[6].subtract(except[6]) };
}

import { FAMILY_MAX, spaceOf, type AddressSpace, type IpFamily } from './ip-address.js';
import { IntervalSet } from './interval-set.js';

/**
 * Address blocks that are not the public internet (IANA special-purpose registries, RFC 6890 and its
 * updates): private, shared (CGNAT), loopback, link-local, documentation, benchmarking, multicast and
 * reserved space. Everything else is what "the internet" means as a source class.
 */
const NOT_PUBLIC_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];

// IPv6: only global unicast (2000::/3) is the internet; inside it, documentation and ORCHID space are not.
const PUBLIC_V6 = ['2000::/3'];
const NOT_PUBLIC_V6 = ['2001:db8::/32', '2001:10::/28', '2001:20::/28', '3fff::/20'];

/** Private (RFC 1918, CGNAT, unique-local) blocks: a directly connected network in them is a private source class. */
const PRIVATE = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', 'fc00::/7'];

let cached: AddressSpace | undefined;

export function publicInternetSpace(): AddressSpace {
  if (!cached) {
    const notV4 = spaceOf(NOT_PUBLIC_V4)[4];
    const v6 = spaceOf(PUBLIC_V6)[6].subtract(spaceOf(NOT_PUBLIC_V6)[6]);
    cached = { 4: IntervalSet.of(0n, FAMILY_MAX[4]).subtract(notV4), 6: v6 };
  }
  return cached;
}

const privateSpace = spaceOf(PRIVATE);

export function isPrivateAddress(family: IpFamily, value: bigint): boolean {
  return privateSpace[family].has(value);
}

export function isPublicAddress(family: IpFamily, value: bigint): boolean {
  return publicInternetSpace()[family].has(value);
}

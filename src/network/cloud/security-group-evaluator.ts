import { IntervalSet } from '../address/interval-set.js';
import { parseAddress, parseCidr, type IpFamily } from '../address/ip-address.js';
import type { AwsIpPermission, AwsSecurityGroup } from './aws-describe-schemas.js';
import type { AwsNetwork } from './aws-network-model.js';
import type { L4 } from './nacl-evaluator.js';

/**
 * A security group only allows (no deny, no order) and is stateful (replies need no rule). The sources
 * one group admits for a protocol and port: its CIDR ranges, plus, for a rule naming another group,
 * the private addresses of every interface carrying that group. A prefix-list rule cannot be resolved
 * from the describe outputs uploaded, so it is reported instead of guessed.
 */

export interface GroupDecision {
  allowed: IntervalSet;
  /** Prefix lists of rules that match the protocol and port: their sources are not known. */
  prefixLists: string[];
}

const PROTO_NAMES: Readonly<Record<L4, readonly string[]>> = { TCP: ['tcp', '6'], UDP: ['udp', '17'] };

export function permissionCovers(p: AwsIpPermission, protocol: L4, port: number): boolean {
  if (p.IpProtocol === '-1') return true;
  if (!PROTO_NAMES[protocol].includes(p.IpProtocol.toLowerCase())) return false;
  const from = p.FromPort ?? 0;
  const to = p.ToPort ?? 65535;
  return (from === -1 && to === -1) || (port >= from && port <= to);
}

export function groupDecide(
  net: AwsNetwork,
  sg: AwsSecurityGroup,
  family: IpFamily,
  protocol: L4,
  port: number,
): GroupDecision {
  let allowed = IntervalSet.EMPTY;
  const prefixLists: string[] = [];
  for (const p of sg.IpPermissions) {
    if (!permissionCovers(p, protocol, port)) continue;
    const cidrs =
      family === 4 ? (p.IpRanges ?? []).map((r) => r.CidrIp) : (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6);
    for (const c of cidrs) {
      const parsed = parseCidr(c);
      if (parsed?.family === family) allowed = allowed.union(parsed.set);
    }
    for (const pair of p.UserIdGroupPairs ?? []) {
      for (const eni of pair.GroupId ? (net.groupMembers.get(pair.GroupId) ?? []) : [])
        allowed = allowed.union(memberAddresses(eni, family));
    }
    prefixLists.push(...(p.PrefixListIds ?? []).map((x) => x.PrefixListId));
  }
  return { allowed, prefixLists };
}

function memberAddresses(eni: Parameters<typeof addressesOf>[0], family: IpFamily): IntervalSet {
  return IntervalSet.from(addressesOf(eni, family).map((v) => [v, v] as const));
}

/** Private IPv4 addresses, or IPv6 addresses, of an interface. */
export function addressesOf(
  eni: {
    PrivateIpAddress?: string;
    PrivateIpAddresses?: { PrivateIpAddress: string }[];
    Ipv6Addresses?: { Ipv6Address: string }[];
  },
  family: IpFamily,
): bigint[] {
  const texts =
    family === 4
      ? [eni.PrivateIpAddress, ...(eni.PrivateIpAddresses ?? []).map((a) => a.PrivateIpAddress)]
      : (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address);
  return texts.flatMap((t) => {
    const a = t === undefined ? undefined : parseAddress(t);
    return a && a.family === family ? [a.value] : [];
  });
}

export function groupPortBreaks(sg: AwsSecurityGroup): number[] {
  return sg.IpPermissions.flatMap((p) =>
    p.FromPort !== undefined && p.FromPort >= 0 ? [p.FromPort, (p.ToPort ?? 65535) + 1] : [],
  );
}

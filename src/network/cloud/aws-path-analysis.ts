import { IntervalSet } from '../address/interval-set.js';
import {
  formatAddress,
  parseCidr,
  spaceOf,
  withoutCidrs,
  type AddressSpace,
  type IpFamily,
} from '../address/ip-address.js';
import { publicInternetSpace } from '../address/public-space.js';
import type { Verdict } from '../firewall/firewall-view.js';
import type { AwsNetworkInterface, AwsRouteTable } from './aws-describe-schemas.js';
import type { AwsNetwork } from './aws-network-model.js';
import { naclDecide, naclPortBreaks, type L4 } from './nacl-evaluator.js';
import { groupDecide, groupPortBreaks } from './security-group-evaluator.js';

/**
 * Paths from the internet to each instance interface, AWS style: in through the VPC's internet
 * gateway (which maps a public IPv4 address to the private one; IPv6 is routed as is), through the
 * subnet's network ACL inbound, the interface's security groups, and back: the reply leaves through
 * the ACL outbound (stateless: the client's port is the destination) and needs a route to the same
 * internet gateway in the subnet's route table (explicit association, else the VPC's main table).
 * Ports are cut where any rule's range begins or ends, so each range has one answer.
 */

export interface CloudAnalysisOptions {
  /** Who "the internet" is: every public address unless the caller says otherwise (tests do). */
  internetCidrs?: readonly string[];
  /** The account's trusted CIDRs (VPN, office): taken out of the internet, they are not "the internet". */
  trustedCidrs?: readonly string[];
  /** Client ports a reply may go to; an attacker picks any, hence 1-65535 by default. */
  clientPorts?: { begin: number; end: number };
}

export interface CloudPathResult {
  instanceId: string;
  networkInterfaceId: string;
  family: IpFamily;
  protocol: L4;
  portRange: { begin: number; end: number };
  verdict: Verdict;
  reason: string;
  /** The address the internet connects to (public IPv4 or the IPv6 address). */
  destination?: string;
  /** A source address of the internet the verdict holds for. */
  source?: string;
  internetGatewayId?: string;
  networkAclId?: string;
  /** REACHABLE: every security group of the interface that lets the range in. */
  securityGroupIds: string[];
  unknowns: string[];
}

interface Stage {
  eni: AwsNetworkInterface;
  instanceId: string;
  family: IpFamily;
  destination: string;
}

export function analyzeAwsPaths(net: AwsNetwork, options: CloudAnalysisOptions = {}): CloudPathResult[] {
  const whole: AddressSpace = options.internetCidrs ? spaceOf(options.internetCidrs) : publicInternetSpace();
  const internet = options.trustedCidrs ? withoutCidrs(whole, options.trustedCidrs) : whole;
  const client = options.clientPorts ?? { begin: 1, end: 65535 };
  const out: CloudPathResult[] = [];
  for (const eni of net.enis.values()) {
    const instanceId = eni.Attachment?.InstanceId;
    if (!instanceId) continue;
    for (const family of [4, 6] as const) {
      const dests = destinations(eni, family);
      for (const protocol of ['TCP', 'UDP'] as const) {
        const head = {
          instanceId,
          networkInterfaceId: eni.NetworkInterfaceId,
          family,
          protocol,
          securityGroupIds: [],
        };
        if (dests.length === 0) {
          const why =
            family === 4 ? 'the interface has no public IPv4 address' : 'the interface has no IPv6 address';
          out.push({
            ...head,
            portRange: { begin: 0, end: 65535 },
            verdict: 'NOT_REACHABLE',
            reason: why,
            unknowns: [],
          });
          continue;
        }
        const stage = { eni, instanceId, family, destination: dests[0] as string };
        out.push(...analyzeInterface(net, stage, protocol, internet[family], client));
      }
    }
  }
  return out;
}

function destinations(eni: AwsNetworkInterface, family: IpFamily): string[] {
  if (family === 6) return (eni.Ipv6Addresses ?? []).map((a) => a.Ipv6Address);
  const publics = [
    eni.Association?.PublicIp,
    ...(eni.PrivateIpAddresses ?? []).map((a) => a.Association?.PublicIp),
  ];
  return [...new Set(publics.filter((p): p is string => p !== undefined))];
}

function analyzeInterface(
  net: AwsNetwork,
  st: Stage,
  protocol: L4,
  internet: IntervalSet,
  client: { begin: number; end: number },
): CloudPathResult[] {
  const { eni, family } = st;
  const base = {
    instanceId: st.instanceId,
    networkInterfaceId: eni.NetworkInterfaceId,
    family,
    protocol,
    destination: st.destination,
  };
  const whole = (
    verdict: Verdict,
    reason: string,
    extra: Partial<CloudPathResult> = {},
  ): CloudPathResult[] => [
    {
      ...base,
      portRange: { begin: 0, end: 65535 },
      verdict,
      reason,
      securityGroupIds: [],
      unknowns: [],
      ...extra,
    },
  ];
  const igw = [...net.internetGateways.values()].find((g) =>
    g.Attachments.some(
      (a) =>
        a.VpcId === eni.VpcId && (a.State === undefined || a.State === 'available' || a.State === 'attached'),
    ),
  );
  if (!igw) return whole('NOT_REACHABLE', `no internet gateway is attached to ${eni.VpcId}`);
  const rt = net.routeTableBySubnet.get(eni.SubnetId) ?? net.mainRouteTableByVpc.get(eni.VpcId);
  if (!rt)
    return whole('UNKNOWN', `no route table for ${eni.SubnetId} and no main route table for ${eni.VpcId}`, {
      unknowns: ['route table'],
    });
  const routed = returnRoutes(rt, family, igw.InternetGatewayId, internet);
  if (routed.unknown)
    return whole('UNKNOWN', routed.unknown, {
      unknowns: [routed.unknown],
      internetGatewayId: igw.InternetGatewayId,
    });
  const ids = { internetGatewayId: igw.InternetGatewayId };
  if (routed.set.isEmpty())
    return whole(
      'NOT_REACHABLE',
      `route table ${rt.RouteTableId} has no route back to ${igw.InternetGatewayId} for these sources`,
      ids,
    );
  const acl = net.naclBySubnet.get(eni.SubnetId);
  if (!acl)
    return whole('UNKNOWN', `no network ACL is associated with ${eni.SubnetId}`, {
      ...ids,
      unknowns: ['network ACL'],
    });
  // The reply's way out does not depend on the instance's port: any client port the ACL lets out.
  let replies = IntervalSet.EMPTY;
  for (const c of cutPoints(naclPortBreaks(acl, true), client.begin, client.end)) {
    replies = replies.union(naclDecide(acl, { egress: true, family, protocol, port: c }, routed.set).allowed);
  }
  const groups = eni.Groups.map((g) => net.securityGroups.get(g.GroupId)).filter((g) => g !== undefined);
  const breaks = [...naclPortBreaks(acl, false), ...groups.flatMap(groupPortBreaks)];
  const segments: CloudPathResult[] = [];
  const starts = cutPoints(breaks, 0, 65535);
  starts.forEach((port, i) => {
    const end = (starts[i + 1] ?? 65536) - 1;
    const inbound = naclDecide(acl, { egress: false, family, protocol, port }, routed.set);
    const open = inbound.allowed.intersect(replies);
    const r = { ...base, ...ids, networkAclId: acl.NetworkAclId, portRange: { begin: port, end } };
    if (inbound.allowed.isEmpty())
      return segments.push({
        ...r,
        verdict: 'NOT_REACHABLE',
        reason: `network ACL ${acl.NetworkAclId} denies it inbound`,
        securityGroupIds: [],
        unknowns: [],
      });
    if (open.isEmpty())
      return segments.push({
        ...r,
        verdict: 'NOT_REACHABLE',
        reason: `network ACL ${acl.NetworkAclId} denies the reply outbound`,
        securityGroupIds: [],
        unknowns: [],
      });
    const via: string[] = [];
    const prefixLists: string[] = [];
    let witness: bigint | undefined;
    for (const g of groups) {
      const d = groupDecide(net, g, family, protocol, port);
      const hit = open.intersect(d.allowed);
      if (!hit.isEmpty()) {
        via.push(g.GroupId);
        witness ??= hit.first();
      }
      prefixLists.push(
        ...d.prefixLists.map((p) => `${g.GroupId} allows prefix list ${p}, whose addresses are not known`),
      );
    }
    if (via.length > 0) {
      const source = formatAddress(family, witness as bigint);
      return segments.push({
        ...r,
        verdict: 'REACHABLE',
        reason: `allowed by ${via.join(', ')}`,
        source,
        securityGroupIds: via,
        unknowns: [],
      });
    }
    if (prefixLists.length > 0)
      return segments.push({
        ...r,
        verdict: 'UNKNOWN',
        reason: prefixLists[0] as string,
        securityGroupIds: [],
        unknowns: prefixLists,
      });
    return segments.push({
      ...r,
      verdict: 'NOT_REACHABLE',
      reason: 'no security group of the interface allows it',
      securityGroupIds: [],
      unknowns: [],
    });
  });
  return mergeSegments(segments);
}

/** Sorted distinct starts of the ranges [lo, hi] is cut into at the given break points. */
function cutPoints(breaks: readonly number[], lo: number, hi: number): number[] {
  return [...new Set([lo, ...breaks.filter((b) => b > lo && b <= hi)])].sort((a, b) => a - b);
}

/** Sources whose reply route (longest prefix) is the VPC's internet gateway. */
function returnRoutes(
  rt: AwsRouteTable,
  family: IpFamily,
  igwId: string,
  sources: IntervalSet,
): { set: IntervalSet; unknown?: string } {
  const routes = rt.Routes.flatMap((r) => {
    const dest = family === 4 ? r.DestinationCidrBlock : r.DestinationIpv6CidrBlock;
    const cidr = dest === undefined ? undefined : parseCidr(dest);
    return cidr && cidr.family === family
      ? [{ r, len: Number(dest?.split('/')[1] ?? (family === 4 ? 32 : 128)), set: cidr.set }]
      : [];
  });
  const prefixListAway = rt.Routes.find((r) => r.DestinationPrefixListId && r.GatewayId !== igwId);
  if (prefixListAway)
    return {
      set: IntervalSet.EMPTY,
      unknown: `route table ${rt.RouteTableId} routes prefix list ${prefixListAway.DestinationPrefixListId}, whose addresses are not known`,
    };
  routes.sort((a, b) => b.len - a.len);
  let rest = sources;
  let toIgw = IntervalSet.EMPTY;
  for (const { r, set } of routes) {
    const part = rest.intersect(set);
    if (part.isEmpty()) continue;
    if (r.GatewayId === igwId && (r.State === undefined || r.State === 'active')) toIgw = toIgw.union(part);
    rest = rest.subtract(part);
  }
  return { set: toIgw };
}

function mergeSegments(segs: readonly CloudPathResult[]): CloudPathResult[] {
  const out: CloudPathResult[] = [];
  for (const s of segs) {
    const last = out[out.length - 1];
    const same =
      last &&
      last.verdict === s.verdict &&
      last.reason === s.reason &&
      last.portRange.end + 1 === s.portRange.begin;
    if (same) last.portRange = { begin: last.portRange.begin, end: s.portRange.end };
    else out.push({ ...s, portRange: { ...s.portRange } });
  }
  return out;
}

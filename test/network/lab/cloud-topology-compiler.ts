import type {
  AwsNaclEntry,
  AwsNetworkAcl,
  AwsSecurityGroup,
} from '../../../src/network/cloud/aws-describe-schemas.js';
import type { Topology } from '../generators/aws-topology-generator.js';

/**
 * AWS describe JSON compiled into what namespaces run: the subnet router's network ACL as stateless
 * nftables rules on its forward hook (inbound and outbound chains, entries in rule-number order, then
 * drop), an instance's security groups as stateful nftables rules on its input hook (established
 * replies pass, every permission accepts, policy drop), and the route table as routes (to the
 * internet gateway, or blackholes for every other target).
 */

function nftPorts(e: { from: number; to: number }): string {
  return e.from === e.to ? String(e.from) : `${e.from}-${e.to}`;
}

function naclRule(e: AwsNaclEntry): string {
  const dir = e.Egress ? 'daddr' : 'saddr';
  const addr = e.CidrBlock !== undefined ? `ip ${dir} ${e.CidrBlock}` : `ip6 ${dir} ${e.Ipv6CidrBlock}`;
  const proto =
    e.Protocol === '-1'
      ? ''
      : e.Protocol === '6' || e.Protocol === '17'
        ? `meta l4proto ${e.Protocol === '6' ? 'tcp' : 'udp'}${e.PortRange ? ` th dport ${nftPorts({ from: e.PortRange.From, to: e.PortRange.To })}` : ''}`
        : `meta l4proto ${e.Protocol}`;
  return [addr, proto, e.RuleAction === 'allow' ? 'accept' : 'drop'].filter((x) => x !== '').join(' ');
}

export function compileNacl(acl: AwsNetworkAcl): string {
  const chain = (egress: boolean): string[] =>
    acl.Entries.filter((e) => e.Egress === egress)
      .sort((a, b) => a.RuleNumber - b.RuleNumber)
      .map((e) => `    ${naclRule(e)}`);
  return [
    'table inet nacl {',
    '  chain acl_in {',
    ...chain(false),
    '    drop',
    '  }',
    '  chain acl_out {',
    ...chain(true),
    '    drop',
    '  }',
    '  chain subnet_forward {',
    '    type filter hook forward priority 0; policy accept;',
    '    iifname "eth0" oifname "br0" jump acl_in',
    '    iifname "br0" oifname "eth0" jump acl_out',
    '  }',
    '}',
    '',
  ].join('\n');
}

export function compileSecurityGroups(topology: Topology, groups: readonly AwsSecurityGroup[]): string {
  const lines: string[] = [];
  for (const g of groups) {
    for (const p of g.IpPermissions) {
      const proto =
        p.IpProtocol === '-1'
          ? ''
          : `meta l4proto ${p.IpProtocol} th dport ${nftPorts({ from: p.FromPort ?? 0, to: p.ToPort ?? 65535 })}`;
      const v4 = (p.IpRanges ?? []).map((r) => r.CidrIp);
      const v6 = (p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6);
      for (const pair of p.UserIdGroupPairs ?? []) {
        const members = topology.describe.networkInterfaces.NetworkInterfaces.filter((n) =>
          n.Groups.some((x) => x.GroupId === pair.GroupId),
        );
        for (const m of members) {
          if (m.PrivateIpAddress) v4.push(m.PrivateIpAddress);
          v6.push(...(m.Ipv6Addresses ?? []).map((a) => a.Ipv6Address));
        }
      }
      for (const c of v4) lines.push(`    ip saddr ${c} ${proto} accept`);
      for (const c of v6) lines.push(`    ip6 saddr ${c} ${proto} accept`);
    }
  }
  return [
    'table inet sg {',
    '  chain input {',
    '    type filter hook input priority 0; policy drop;',
    '    ct state established,related accept',
    '    iifname "lo" accept',
    // Neighbour discovery is not filtered by security groups.
    '    meta l4proto ipv6-icmp accept',
    ...lines,
    '  }',
    '}',
    '',
  ].join('\n');
}

/** `ip -batch` lines for the subnet router's return routes. */
export function compileRoutes(
  topology: Topology,
  subnetId: string,
  gatewayV4: string,
  gatewayV6: string,
): string[] {
  const rts = topology.describe.routeTables.RouteTables;
  const vpc = topology.describe.subnets.Subnets.find((s) => s.SubnetId === subnetId)?.VpcId;
  const rt =
    rts.find((t) => t.Associations.some((a) => a.SubnetId === subnetId)) ??
    rts.find((t) => t.VpcId === vpc && t.Associations.some((a) => a.Main));
  const igwId = topology.describe.internetGateways.InternetGateways[0]?.InternetGatewayId;
  const out: string[] = [];
  for (const r of rt?.Routes ?? []) {
    if (r.GatewayId === 'local') continue;
    const toIgw = r.GatewayId === igwId && topology.igwAttached && r.State !== 'blackhole';
    if (r.DestinationCidrBlock)
      out.push(
        toIgw
          ? `route add ${r.DestinationCidrBlock} via ${gatewayV4}`
          : `route add blackhole ${r.DestinationCidrBlock}`,
      );
    if (r.DestinationIpv6CidrBlock)
      out.push(
        toIgw
          ? `route add ${r.DestinationIpv6CidrBlock} via ${gatewayV6}`
          : `route add blackhole ${r.DestinationIpv6CidrBlock}`,
      );
  }
  return out;
}

import { parseAddress, parseCidr } from '../address/ip-address.js';
import { shapeErrors } from '../json-shape.js';
import {
  AWS_DESCRIBE_SHAPE,
  type AwsDescribeOutputs,
  type AwsInstance,
  type AwsInternetGateway,
  type AwsNetworkAcl,
  type AwsNetworkInterface,
  type AwsRouteTable,
  type AwsSecurityGroup,
  type AwsSubnet,
} from './aws-describe-schemas.js';
import { CloudNetworkInvalidError } from './cloud-network-invalid-error.js';
import { CloudReferenceError } from './cloud-reference-error.js';

/**
 * The seven describe outputs checked and indexed: every id one resource names must be in the upload
 * (CloudReferenceError naming it otherwise), every CIDR and address must parse
 * (CloudNetworkInvalidError), so the path analysis never meets a dangling or unreadable reference.
 */
export interface AwsNetwork {
  instances: Map<string, AwsInstance>;
  enis: Map<string, AwsNetworkInterface>;
  securityGroups: Map<string, AwsSecurityGroup>;
  subnets: Map<string, AwsSubnet>;
  naclBySubnet: Map<string, AwsNetworkAcl>;
  routeTableBySubnet: Map<string, AwsRouteTable>;
  mainRouteTableByVpc: Map<string, AwsRouteTable>;
  internetGateways: Map<string, AwsInternetGateway>;
  /** ENIs carrying each security group: what a group reference in a rule stands for. */
  groupMembers: Map<string, AwsNetworkInterface[]>;
}

function byId<T>(items: readonly T[], id: (t: T) => string): Map<string, T> {
  return new Map(items.map((t) => [id(t), t]));
}

export function buildAwsNetwork(input: unknown): AwsNetwork {
  const errors = shapeErrors(AWS_DESCRIBE_SHAPE, input);
  if (errors.length > 0) throw new CloudNetworkInvalidError(errors);
  const outputs = input as AwsDescribeOutputs;
  checkAddresses(outputs);
  const enis = byId(outputs.networkInterfaces.NetworkInterfaces, (e) => e.NetworkInterfaceId);
  const net: AwsNetwork = {
    instances: byId(
      outputs.instances.Reservations.flatMap((r) => r.Instances),
      (i) => i.InstanceId,
    ),
    enis,
    securityGroups: byId(outputs.securityGroups.SecurityGroups, (g) => g.GroupId),
    subnets: byId(outputs.subnets.Subnets, (s) => s.SubnetId),
    naclBySubnet: new Map(),
    routeTableBySubnet: new Map(),
    mainRouteTableByVpc: new Map(),
    internetGateways: byId(outputs.internetGateways.InternetGateways, (g) => g.InternetGatewayId),
    groupMembers: new Map(),
  };
  const need = (map: Map<string, unknown>, kind: string, id: string, by: string): void => {
    if (!map.has(id)) throw new CloudReferenceError(kind, id, by);
  };
  for (const acl of outputs.networkAcls.NetworkAcls) {
    for (const a of acl.Associations) {
      need(net.subnets, 'subnet', a.SubnetId, `network ACL ${acl.NetworkAclId}`);
      net.naclBySubnet.set(a.SubnetId, acl);
    }
  }
  for (const rt of outputs.routeTables.RouteTables) {
    for (const a of rt.Associations) {
      if (a.Main) net.mainRouteTableByVpc.set(rt.VpcId, rt);
      if (a.SubnetId) {
        need(net.subnets, 'subnet', a.SubnetId, `route table ${rt.RouteTableId}`);
        net.routeTableBySubnet.set(a.SubnetId, rt);
      }
    }
    for (const r of rt.Routes) {
      if (r.GatewayId?.startsWith('igw-'))
        need(net.internetGateways, 'internet gateway', r.GatewayId, `route table ${rt.RouteTableId}`);
      if (r.NetworkInterfaceId)
        need(enis, 'network interface', r.NetworkInterfaceId, `route table ${rt.RouteTableId}`);
    }
  }
  for (const eni of enis.values()) {
    need(net.subnets, 'subnet', eni.SubnetId, `network interface ${eni.NetworkInterfaceId}`);
    const instanceId = eni.Attachment?.InstanceId;
    if (instanceId)
      need(net.instances, 'instance', instanceId, `network interface ${eni.NetworkInterfaceId}`);
    for (const g of eni.Groups) {
      need(net.securityGroups, 'security group', g.GroupId, `network interface ${eni.NetworkInterfaceId}`);
      net.groupMembers.set(g.GroupId, [...(net.groupMembers.get(g.GroupId) ?? []), eni]);
    }
  }
  for (const inst of net.instances.values()) {
    if (inst.SubnetId) need(net.subnets, 'subnet', inst.SubnetId, `instance ${inst.InstanceId}`);
    for (const n of inst.NetworkInterfaces ?? [])
      need(enis, 'network interface', n.NetworkInterfaceId, `instance ${inst.InstanceId}`);
  }
  for (const sg of net.securityGroups.values()) {
    for (const p of sg.IpPermissions) {
      for (const pair of p.UserIdGroupPairs ?? []) {
        // A group of another account (peering) is outside this upload: not dangling, just not ours.
        const foreign = pair.UserId !== undefined && sg.OwnerId !== undefined && pair.UserId !== sg.OwnerId;
        if (pair.GroupId && !foreign)
          need(net.securityGroups, 'security group', pair.GroupId, `security group ${sg.GroupId}`);
      }
    }
  }
  return net;
}

function checkAddresses(i: AwsDescribeOutputs): void {
  const bad: { path: string; message: string }[] = [];
  const cidr = (v: string | undefined, path: string): void => {
    if (v !== undefined && !parseCidr(v)) bad.push({ path, message: `not a CIDR: ${v}` });
  };
  const addr = (v: string | undefined, path: string): void => {
    if (v !== undefined && !parseAddress(v)) bad.push({ path, message: `not an address: ${v}` });
  };
  i.securityGroups.SecurityGroups.forEach((g, gi) =>
    g.IpPermissions.forEach((p, pi) => {
      const at = `/securityGroups/SecurityGroups/${gi}/IpPermissions/${pi}`;
      p.IpRanges?.forEach((r, k) => cidr(r.CidrIp, `${at}/IpRanges/${k}/CidrIp`));
      p.Ipv6Ranges?.forEach((r, k) => cidr(r.CidrIpv6, `${at}/Ipv6Ranges/${k}/CidrIpv6`));
    }),
  );
  i.networkAcls.NetworkAcls.forEach((a, ai) =>
    a.Entries.forEach((e, ei) => {
      const at = `/networkAcls/NetworkAcls/${ai}/Entries/${ei}`;
      cidr(e.CidrBlock, `${at}/CidrBlock`);
      cidr(e.Ipv6CidrBlock, `${at}/Ipv6CidrBlock`);
    }),
  );
  i.routeTables.RouteTables.forEach((t, ti) =>
    t.Routes.forEach((r, ri) => {
      cidr(r.DestinationCidrBlock, `/routeTables/RouteTables/${ti}/Routes/${ri}/DestinationCidrBlock`);
      cidr(
        r.DestinationIpv6CidrBlock,
        `/routeTables/RouteTables/${ti}/Routes/${ri}/DestinationIpv6CidrBlock`,
      );
    }),
  );
  i.networkInterfaces.NetworkInterfaces.forEach((n, ni) => {
    const at = `/networkInterfaces/NetworkInterfaces/${ni}`;
    addr(n.PrivateIpAddress, `${at}/PrivateIpAddress`);
    addr(n.Association?.PublicIp, `${at}/Association/PublicIp`);
    n.Ipv6Addresses?.forEach((a, k) => addr(a.Ipv6Address, `${at}/Ipv6Addresses/${k}/Ipv6Address`));
    n.PrivateIpAddresses?.forEach((a, k) =>
      addr(a.PrivateIpAddress, `${at}/PrivateIpAddresses/${k}/PrivateIpAddress`),
    );
  });
  if (bad.length > 0) throw new CloudNetworkInvalidError(bad.slice(0, 10));
}

import type { SeededRandom } from '../../../src/core/seeded-random.js';
import type { AwsDescribeOutputs } from '../../../src/network/cloud/aws-describe-schemas.js';

/**
 * Random AWS VPC topologies as `aws ec2 describe-*` JSON, plus the layout the namespace compiler needs.
 * The VPC is 10.200.0.0/17 with subnets 10.200.K.0/24 (and fd00:10:200:K::/64 when IPv6 is on);
 * public IPv4 addresses come from 10.200.200.0/24; the internet client is 10.200.250.2 and
 * fd00:10:200:fa::2, and replies go to its port 40000. Network ACLs put denies before allows, security
 * groups reference each other, some route tables have no route to the internet gateway.
 */

export const CLIENT_V4 = '10.200.250.2';
export const CLIENT_V6 = 'fd00:10:200:fa::2';
export const CLIENT_PORT = 40000;
export const TCP_POOL = [22, 80, 443, 3306, 5432, 8080, 9200];
export const UDP_POOL = [53, 123, 161, 5000];

export interface LaidOutInstance {
  instanceId: string;
  eniId: string;
  subnet: number;
  privateIp: string;
  publicIp?: string;
  ipv6?: string;
  tcp: number[];
  udp: number[];
}

export interface Topology {
  describe: AwsDescribeOutputs;
  instances: LaidOutInstance[];
  subnets: { id: string; index: number; ipv6: boolean }[];
  igwAttached: boolean;
  features: Set<string>;
}

const V4_SOURCES = [
  '0.0.0.0/0',
  '10.200.250.0/24',
  `${CLIENT_V4}/32`,
  '10.200.251.0/24',
  '10.200.0.0/17',
  '10.200.248.0/21',
];
const V6_SOURCES = ['::/0', 'fd00:10:200:fa::/64', `${CLIENT_V6}/128`, 'fd00:10:200:fb::/64'];

function ports(rnd: SeededRandom, pool: readonly number[]): { from: number; to: number } {
  const p = rnd.pick(pool);
  const r = rnd.next();
  if (r < 0.5) return { from: p, to: p };
  if (r < 0.8) return { from: Math.max(1, p - rnd.int(20)), to: p + rnd.int(20) };
  return { from: 0, to: 65535 };
}

function naclEntries(
  rnd: SeededRandom,
  egress: boolean,
  v6: boolean,
  features: Set<string>,
): AwsDescribeOutputs['networkAcls']['NetworkAcls'][number]['Entries'] {
  const out: AwsDescribeOutputs['networkAcls']['NetworkAcls'][number]['Entries'] = [];
  const n = 1 + rnd.int(4);
  let num = 100;
  for (let i = 0; i < n; i++) {
    const proto = rnd.pick(['-1', '6', '6', '17']);
    const deny = rnd.next() < 0.3;
    const range = egress
      ? rnd.pick([
          { from: 1024, to: 65535 },
          { from: 32768, to: 60999 },
          { from: 40000, to: 40010 },
          { from: 1, to: 1023 },
          { from: 1024, to: 65535 },
        ])
      : ports(rnd, proto === '17' ? UDP_POOL : TCP_POOL);
    const family6 = v6 && rnd.next() < 0.4;
    const cidr = family6 ? { Ipv6CidrBlock: rnd.pick(V6_SOURCES) } : { CidrBlock: rnd.pick(V4_SOURCES) };
    out.push({
      RuleNumber: num,
      Protocol: proto,
      RuleAction: deny ? 'deny' : 'allow',
      Egress: egress,
      ...cidr,
      ...(proto === '-1' ? {} : { PortRange: { From: range.from, To: range.to } }),
    });
    if (deny) features.add('nacl-deny');
    if (!deny && out.some((e) => e.RuleAction === 'deny')) features.add('nacl-deny-before-allow');
    num += 10 * (1 + rnd.int(5));
  }
  // Most ACLs end with a broad allow, as real ones do; then the implicit `*` denies.
  if (rnd.next() < 0.85)
    out.push({
      RuleNumber: 900,
      Protocol: '-1',
      RuleAction: 'allow',
      Egress: egress,
      CidrBlock: '0.0.0.0/0',
    });
  if (v6 && rnd.next() < 0.85)
    out.push({ RuleNumber: 901, Protocol: '-1', RuleAction: 'allow', Egress: egress, Ipv6CidrBlock: '::/0' });
  out.push({ RuleNumber: 32767, Protocol: '-1', RuleAction: 'deny', Egress: egress, CidrBlock: '0.0.0.0/0' });
  if (v6)
    out.push({
      RuleNumber: 32768,
      Protocol: '-1',
      RuleAction: 'deny',
      Egress: egress,
      Ipv6CidrBlock: '::/0',
    });
  return out;
}

export function generateTopology(rnd: SeededRandom, index: number): Topology {
  const features = new Set<string>();
  const vpc = `vpc-${index.toString(16).padStart(8, '0')}`;
  const igwId = 'igw-0a1b2c3d';
  const igwAttached = rnd.next() < 0.9;
  const subnetCount = 1 + rnd.int(2);
  const subnets = Array.from({ length: subnetCount }, (_, k) => ({
    id: `subnet-${k + 1}`,
    index: k + 1,
    ipv6: rnd.next() < 0.6,
  }));
  if (subnets.some((s) => s.ipv6)) features.add('ipv6');
  const groupIds = Array.from({ length: 1 + rnd.int(3) }, (_, g) => `sg-${g + 1}`);
  const instances: LaidOutInstance[] = [];
  const enis: AwsDescribeOutputs['networkInterfaces']['NetworkInterfaces'] = [];
  for (const s of subnets) {
    for (let j = 0; j < 1 + rnd.int(2); j++) {
      const n = instances.length + 1;
      const inst: LaidOutInstance = {
        instanceId: `i-${(0xabc000 + n).toString(16)}`,
        eniId: `eni-${(0xdef000 + n).toString(16)}`,
        subnet: s.index,
        privateIp: `10.200.${s.index}.${10 + j}`,
        ...(rnd.next() < 0.8 ? { publicIp: `10.200.200.${n}` } : {}),
        ...(s.ipv6 && rnd.next() < 0.8 ? { ipv6: `fd00:10:200:${s.index}::${10 + j}` } : {}),
        tcp: TCP_POOL.filter(() => rnd.next() < 0.4),
        udp: UDP_POOL.filter(() => rnd.next() < 0.4),
      };
      instances.push(inst);
      const groups = rnd.shuffle(groupIds).slice(0, 1 + rnd.int(2));
      enis.push({
        NetworkInterfaceId: inst.eniId,
        SubnetId: s.id,
        VpcId: vpc,
        PrivateIpAddress: inst.privateIp,
        PrivateIpAddresses: [
          {
            PrivateIpAddress: inst.privateIp,
            Primary: true,
            ...(inst.publicIp ? { Association: { PublicIp: inst.publicIp } } : {}),
          },
        ],
        ...(inst.publicIp ? { Association: { PublicIp: inst.publicIp } } : {}),
        Ipv6Addresses: inst.ipv6 ? [{ Ipv6Address: inst.ipv6 }] : [],
        Groups: groups.map((g) => ({ GroupId: g, GroupName: g })),
        Attachment: { InstanceId: inst.instanceId, DeviceIndex: 0, Status: 'attached' },
        Status: 'in-use',
      });
    }
  }
  const securityGroups = groupIds.map((g, gi) => {
    const perms = Array.from({ length: 1 + rnd.int(3) }, () => {
      const proto = rnd.pick(['tcp', 'tcp', 'udp', '-1']);
      const range = ports(rnd, proto === 'udp' ? UDP_POOL : TCP_POOL);
      const ref = gi > 0 || groupIds.length > 1 ? rnd.next() < 0.3 : false;
      const other = groupIds[(gi + 1) % groupIds.length] as string;
      if (ref) features.add('sg-references-sg');
      return {
        IpProtocol: proto,
        ...(proto === '-1' ? {} : { FromPort: range.from, ToPort: range.to }),
        IpRanges: ref && rnd.next() < 0.5 ? [] : [{ CidrIp: rnd.pick(V4_SOURCES) }],
        Ipv6Ranges: rnd.next() < 0.5 ? [{ CidrIpv6: rnd.pick(V6_SOURCES) }] : [],
        UserIdGroupPairs: ref ? [{ GroupId: other, UserId: '123456789012' }] : [],
        PrefixListIds: [],
      };
    });
    return { GroupId: g, GroupName: g, VpcId: vpc, OwnerId: '123456789012', IpPermissions: perms };
  });
  const acls = subnets.map((s, k) => ({
    NetworkAclId: `acl-${k + 1}`,
    VpcId: vpc,
    IsDefault: k === 0,
    Entries: [...naclEntries(rnd, false, s.ipv6, features), ...naclEntries(rnd, true, s.ipv6, features)],
    Associations: [{ SubnetId: s.id, NetworkAclId: `acl-${k + 1}` }],
  }));
  const routeTables = routeTablesFor(rnd, vpc, igwId, subnets, features);
  return {
    describe: {
      instances: {
        Reservations: instances.map((i) => ({
          Instances: [
            {
              InstanceId: i.instanceId,
              VpcId: vpc,
              SubnetId: `subnet-${i.subnet}`,
              State: { Name: 'running' },
              NetworkInterfaces: [{ NetworkInterfaceId: i.eniId }],
            },
          ],
        })),
      },
      securityGroups: { SecurityGroups: securityGroups },
      networkAcls: { NetworkAcls: acls },
      routeTables: { RouteTables: routeTables },
      internetGateways: {
        InternetGateways: [
          { InternetGatewayId: igwId, Attachments: igwAttached ? [{ VpcId: vpc, State: 'available' }] : [] },
        ],
      },
      subnets: {
        Subnets: subnets.map((s) => ({
          SubnetId: s.id,
          VpcId: vpc,
          CidrBlock: `10.200.${s.index}.0/24`,
          Ipv6CidrBlockAssociationSet: s.ipv6 ? [{ Ipv6CidrBlock: `fd00:10:200:${s.index}::/64` }] : [],
        })),
      },
      networkInterfaces: { NetworkInterfaces: enis },
    },
    instances,
    subnets,
    igwAttached,
    features,
  };
}

function routeTablesFor(
  rnd: SeededRandom,
  vpc: string,
  igwId: string,
  subnets: Topology['subnets'],
  features: Set<string>,
): AwsDescribeOutputs['routeTables']['RouteTables'] {
  const table = (
    id: string,
    assoc: AwsDescribeOutputs['routeTables']['RouteTables'][number]['Associations'],
  ): AwsDescribeOutputs['routeTables']['RouteTables'][number] => {
    const routes: AwsDescribeOutputs['routeTables']['RouteTables'][number]['Routes'] = [
      { DestinationCidrBlock: '10.200.0.0/17', GatewayId: 'local', State: 'active' },
    ];
    const toIgw = rnd.next() < 0.8;
    if (toIgw) routes.push({ DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId, State: 'active' });
    else {
      features.add('route-table-without-igw');
      if (rnd.next() < 0.5)
        routes.push({ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-0123', State: 'active' });
    }
    // A more specific route for the client's network that leads elsewhere: longest prefix wins.
    if (toIgw && rnd.next() < 0.1)
      routes.push({
        DestinationCidrBlock: '10.200.250.0/24',
        VpcPeeringConnectionId: 'pcx-0456',
        State: 'active',
      });
    if (rnd.next() < 0.8)
      routes.push({ DestinationIpv6CidrBlock: '::/0', GatewayId: igwId, State: 'active' });
    else if (rnd.next() < 0.5)
      routes.push({
        DestinationIpv6CidrBlock: '::/0',
        EgressOnlyInternetGatewayId: 'eigw-0789',
        State: 'active',
      });
    return { RouteTableId: id, VpcId: vpc, Associations: assoc, Routes: routes };
  };
  const out = [table('rtb-main', [{ Main: true }])];
  subnets.forEach((s) => {
    if (rnd.next() < 0.5) out.push(table(`rtb-${s.index}`, [{ Main: false, SubnetId: s.id }]));
    else features.add('main-route-table-fallback');
  });
  return out;
}

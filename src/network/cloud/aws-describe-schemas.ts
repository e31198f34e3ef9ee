import { arr, bool, int, obj, oneOf, str, type Check } from '../json-shape.js';

/**
 * The parts of `aws ec2 describe-*` JSON output the cloud path analysis reads, as the AWS CLI prints
 * them (EC2 API shapes, PascalCase). Other fields are allowed and ignored, so real output is accepted
 * unchanged. Only what the analysis needs is required.
 */

interface Association {
  PublicIp?: string;
}

export interface AwsNetworkInterface {
  NetworkInterfaceId: string;
  SubnetId: string;
  VpcId: string;
  PrivateIpAddress?: string;
  PrivateIpAddresses?: { PrivateIpAddress: string; Primary?: boolean; Association?: Association }[];
  Association?: Association;
  Ipv6Addresses?: { Ipv6Address: string }[];
  Groups: { GroupId: string; GroupName?: string }[];
  Attachment?: { InstanceId?: string; DeviceIndex?: number; Status?: string };
  Status?: string;
}

export interface AwsInstance {
  InstanceId: string;
  VpcId?: string;
  SubnetId?: string;
  State?: { Name?: string };
  NetworkInterfaces?: { NetworkInterfaceId: string }[];
}

export interface AwsIpPermission {
  IpProtocol: string;
  FromPort?: number;
  ToPort?: number;
  IpRanges?: { CidrIp: string }[];
  Ipv6Ranges?: { CidrIpv6: string }[];
  PrefixListIds?: { PrefixListId: string }[];
  UserIdGroupPairs?: { GroupId?: string; UserId?: string; VpcId?: string }[];
}

export interface AwsSecurityGroup {
  GroupId: string;
  GroupName?: string;
  VpcId?: string;
  OwnerId?: string;
  IpPermissions: AwsIpPermission[];
}

export interface AwsNaclEntry {
  RuleNumber: number;
  /** An IANA protocol number as a string; "-1" is every protocol. */
  Protocol: string;
  RuleAction: 'allow' | 'deny';
  Egress: boolean;
  CidrBlock?: string;
  Ipv6CidrBlock?: string;
  PortRange?: { From: number; To: number };
}

export interface AwsNetworkAcl {
  NetworkAclId: string;
  VpcId: string;
  IsDefault?: boolean;
  Entries: AwsNaclEntry[];
  Associations: { SubnetId: string; NetworkAclId?: string }[];
}

export interface AwsRoute {
  DestinationCidrBlock?: string;
  DestinationIpv6CidrBlock?: string;
  DestinationPrefixListId?: string;
  GatewayId?: string;
  NatGatewayId?: string;
  InstanceId?: string;
  NetworkInterfaceId?: string;
  EgressOnlyInternetGatewayId?: string;
  TransitGatewayId?: string;
  VpcPeeringConnectionId?: string;
  State?: string;
}

export interface AwsRouteTable {
  RouteTableId: string;
  VpcId: string;
  Associations: { Main?: boolean; SubnetId?: string; GatewayId?: string }[];
  Routes: AwsRoute[];
}

export interface AwsInternetGateway {
  InternetGatewayId: string;
  Attachments: { VpcId: string; State?: string }[];
}

export interface AwsSubnet {
  SubnetId: string;
  VpcId: string;
  CidrBlock?: string;
  Ipv6CidrBlockAssociationSet?: { Ipv6CidrBlock: string }[];
}

/** The seven outputs, each exactly as the CLI prints it. */
export interface AwsDescribeOutputs {
  instances: { Reservations: { Instances: AwsInstance[] }[] };
  securityGroups: { SecurityGroups: AwsSecurityGroup[] };
  networkAcls: { NetworkAcls: AwsNetworkAcl[] };
  routeTables: { RouteTables: AwsRouteTable[] };
  internetGateways: { InternetGateways: AwsInternetGateway[] };
  subnets: { Subnets: AwsSubnet[] };
  networkInterfaces: { NetworkInterfaces: AwsNetworkInterface[] };
}

const s = str();
const ids = (key: string): Check => arr(obj({ [key]: s }));
const association = obj({}, { PublicIp: s });

const ENI = obj(
  { NetworkInterfaceId: s, SubnetId: s, VpcId: s, Groups: arr(obj({ GroupId: s }, { GroupName: s })) },
  {
    PrivateIpAddress: s,
    PrivateIpAddresses: arr(obj({ PrivateIpAddress: s }, { Primary: bool, Association: association })),
    Association: association,
    Ipv6Addresses: ids('Ipv6Address'),
    Attachment: obj({}, { InstanceId: s, DeviceIndex: int(), Status: s }),
    Status: s,
  },
);

const INSTANCE = obj(
  { InstanceId: s },
  { VpcId: s, SubnetId: s, State: obj({}, { Name: s }), NetworkInterfaces: ids('NetworkInterfaceId') },
);

const PERMISSION = obj(
  { IpProtocol: s },
  {
    FromPort: int(),
    ToPort: int(),
    IpRanges: ids('CidrIp'),
    Ipv6Ranges: ids('CidrIpv6'),
    PrefixListIds: ids('PrefixListId'),
    UserIdGroupPairs: arr(obj({}, { GroupId: s, UserId: s, VpcId: s })),
  },
);

const NACL_ENTRY = obj(
  { RuleNumber: int(), Protocol: s, RuleAction: oneOf('allow', 'deny'), Egress: bool },
  { CidrBlock: s, Ipv6CidrBlock: s, PortRange: obj({ From: int(), To: int() }) },
);

const ROUTE = obj(
  {},
  Object.fromEntries(
    [
      'DestinationCidrBlock',
      'DestinationIpv6CidrBlock',
      'DestinationPrefixListId',
      'GatewayId',
      'NatGatewayId',
      'InstanceId',
      'NetworkInterfaceId',
      'EgressOnlyInternetGatewayId',
      'TransitGatewayId',
      'VpcPeeringConnectionId',
      'State',
    ].map((k) => [k, s]),
  ),
);

export const AWS_DESCRIBE_SHAPE: Check = obj({
  instances: obj({ Reservations: arr(obj({ Instances: arr(INSTANCE) })) }),
  securityGroups: obj({
    SecurityGroups: arr(
      obj({ GroupId: s, IpPermissions: arr(PERMISSION) }, { GroupName: s, VpcId: s, OwnerId: s }),
    ),
  }),
  networkAcls: obj({
    NetworkAcls: arr(
      obj(
        {
          NetworkAclId: s,
          VpcId: s,
          Entries: arr(NACL_ENTRY),
          Associations: arr(obj({ SubnetId: s }, { NetworkAclId: s })),
        },
        { IsDefault: bool },
      ),
    ),
  }),
  routeTables: obj({
    RouteTables: arr(
      obj({
        RouteTableId: s,
        VpcId: s,
        Associations: arr(obj({}, { Main: bool, SubnetId: s, GatewayId: s })),
        Routes: arr(ROUTE),
      }),
    ),
  }),
  internetGateways: obj({
    InternetGateways: arr(obj({ InternetGatewayId: s, Attachments: arr(obj({ VpcId: s }, { State: s })) })),
  }),
  subnets: obj({
    Subnets: arr(
      obj({ SubnetId: s, VpcId: s }, { CidrBlock: s, Ipv6CidrBlockAssociationSet: ids('Ipv6CidrBlock') }),
    ),
  }),
  networkInterfaces: obj({ NetworkInterfaces: arr(ENI) }),
});

import { Type, type Static } from '@sinclair/typebox';

/**
 * The parts of `aws ec2 describe-*` JSON output the cloud path analysis reads, as the AWS CLI prints
 * them (EC2 API shapes, PascalCase). Other fields are allowed and ignored, so real output is accepted
 * unchanged. Only what the analysis needs is required.
 */

const Opt = <T extends Parameters<typeof Type.Optional>[0]>(t: T) => Type.Optional(t);
const GroupIdentifier = Type.Object({ GroupId: Type.String(), GroupName: Opt(Type.String()) });
const Association = Type.Object({ PublicIp: Opt(Type.String()) });

export const NetworkInterfaceSchema = Type.Object({
  NetworkInterfaceId: Type.String(),
  SubnetId: Type.String(),
  VpcId: Type.String(),
  PrivateIpAddress: Opt(Type.String()),
  PrivateIpAddresses: Opt(
    Type.Array(
      Type.Object({
        PrivateIpAddress: Type.String(),
        Primary: Opt(Type.Boolean()),
        Association: Opt(Association),
      }),
    ),
  ),
  Association: Opt(Association),
  Ipv6Addresses: Opt(Type.Array(Type.Object({ Ipv6Address: Type.String() }))),
  Groups: Type.Array(GroupIdentifier),
  Attachment: Opt(
    Type.Object({
      InstanceId: Opt(Type.String()),
      DeviceIndex: Opt(Type.Integer()),
      Status: Opt(Type.String()),
    }),
  ),
  Status: Opt(Type.String()),
});

export const InstanceSchema = Type.Object({
  InstanceId: Type.String(),
  VpcId: Opt(Type.String()),
  SubnetId: Opt(Type.String()),
  State: Opt(Type.Object({ Name: Opt(Type.String()) })),
  NetworkInterfaces: Opt(Type.Array(Type.Object({ NetworkInterfaceId: Type.String() }))),
  Tags: Opt(Type.Array(Type.Object({ Key: Type.String(), Value: Opt(Type.String()) }))),
});

const IpPermissionSchema = Type.Object({
  IpProtocol: Type.String(),
  FromPort: Opt(Type.Integer()),
  ToPort: Opt(Type.Integer()),
  IpRanges: Opt(Type.Array(Type.Object({ CidrIp: Type.String() }))),
  Ipv6Ranges: Opt(Type.Array(Type.Object({ CidrIpv6: Type.String() }))),
  PrefixListIds: Opt(Type.Array(Type.Object({ PrefixListId: Type.String() }))),
  UserIdGroupPairs: Opt(
    Type.Array(
      Type.Object({ GroupId: Opt(Type.String()), UserId: Opt(Type.String()), VpcId: Opt(Type.String()) }),
    ),
  ),
});

export const SecurityGroupSchema = Type.Object({
  GroupId: Type.String(),
  GroupName: Opt(Type.String()),
  VpcId: Opt(Type.String()),
  OwnerId: Opt(Type.String()),
  IpPermissions: Type.Array(IpPermissionSchema),
});

export const NetworkAclSchema = Type.Object({
  NetworkAclId: Type.String(),
  VpcId: Type.String(),
  IsDefault: Opt(Type.Boolean()),
  Entries: Type.Array(
    Type.Object({
      RuleNumber: Type.Integer(),
      Protocol: Type.String(),
      RuleAction: Type.Union([Type.Literal('allow'), Type.Literal('deny')]),
      Egress: Type.Boolean(),
      CidrBlock: Opt(Type.String()),
      Ipv6CidrBlock: Opt(Type.String()),
      PortRange: Opt(Type.Object({ From: Type.Integer(), To: Type.Integer() })),
    }),
  ),
  Associations: Type.Array(Type.Object({ SubnetId: Type.String(), NetworkAclId: Opt(Type.String()) })),
});

export const RouteTableSchema = Type.Object({
  RouteTableId: Type.String(),
  VpcId: Type.String(),
  Associations: Type.Array(
    Type.Object({ Main: Opt(Type.Boolean()), SubnetId: Opt(Type.String()), GatewayId: Opt(Type.String()) }),
  ),
  Routes: Type.Array(
    Type.Object({
      DestinationCidrBlock: Opt(Type.String()),
      DestinationIpv6CidrBlock: Opt(Type.String()),
      DestinationPrefixListId: Opt(Type.String()),
      GatewayId: Opt(Type.String()),
      NatGatewayId: Opt(Type.String()),
      InstanceId: Opt(Type.String()),
      NetworkInterfaceId: Opt(Type.String()),
      EgressOnlyInternetGatewayId: Opt(Type.String()),
      TransitGatewayId: Opt(Type.String()),
      VpcPeeringConnectionId: Opt(Type.String()),
      State: Opt(Type.String()),
    }),
  ),
});

export const InternetGatewaySchema = Type.Object({
  InternetGatewayId: Type.String(),
  Attachments: Type.Array(Type.Object({ VpcId: Type.String(), State: Opt(Type.String()) })),
});

export const SubnetSchema = Type.Object({
  SubnetId: Type.String(),
  VpcId: Type.String(),
  CidrBlock: Opt(Type.String()),
  Ipv6CidrBlockAssociationSet: Opt(Type.Array(Type.Object({ Ipv6CidrBlock: Type.String() }))),
});

/** The seven outputs, each exactly as the CLI prints it. */
export const AwsDescribeOutputsSchema = Type.Object({
  instances: Type.Object({
    Reservations: Type.Array(Type.Object({ Instances: Type.Array(InstanceSchema) })),
  }),
  securityGroups: Type.Object({ SecurityGroups: Type.Array(SecurityGroupSchema) }),
  networkAcls: Type.Object({ NetworkAcls: Type.Array(NetworkAclSchema) }),
  routeTables: Type.Object({ RouteTables: Type.Array(RouteTableSchema) }),
  internetGateways: Type.Object({ InternetGateways: Type.Array(InternetGatewaySchema) }),
  subnets: Type.Object({ Subnets: Type.Array(SubnetSchema) }),
  networkInterfaces: Type.Object({ NetworkInterfaces: Type.Array(NetworkInterfaceSchema) }),
});

export type AwsDescribeOutputs = Static<typeof AwsDescribeOutputsSchema>;
export type AwsNetworkInterface = Static<typeof NetworkInterfaceSchema>;
export type AwsInstance = Static<typeof InstanceSchema>;
export type AwsSecurityGroup = Static<typeof SecurityGroupSchema>;
export type AwsIpPermission = Static<typeof IpPermissionSchema>;
export type AwsNetworkAcl = Static<typeof NetworkAclSchema>;
export type AwsNaclEntry = AwsNetworkAcl['Entries'][number];
export type AwsRouteTable = Static<typeof RouteTableSchema>;
export type AwsRoute = AwsRouteTable['Routes'][number];
export type AwsInternetGateway = Static<typeof InternetGatewaySchema>;
export type AwsSubnet = Static<typeof SubnetSchema>;

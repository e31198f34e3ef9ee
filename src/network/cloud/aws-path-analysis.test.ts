import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../core/errors/vigil-error.js';
import { buildAwsNetwork } from './aws-network-model.js';
import { analyzeAwsPaths, type CloudPathResult } from './aws-path-analysis.js';

// One VPC as the AWS CLI prints it: an instance with a public IPv4 and an IPv6 address, the VPC's
// internet gateway, the main route table, a network ACL with a deny before its allow, and a security
// group that admits SSH, a port range, and PostgreSQL from another group.
const VPC = (): Record<string, unknown> =>
  JSON.parse(readFileSync(join(import.meta.dirname, 'testdata', 'vpc-web.json'), 'utf8')) as Record<
    string,
    unknown
  >;

function at(
  rs: CloudPathResult[],
  family: 4 | 6,
  protocol: 'TCP' | 'UDP',
  port: number,
): CloudPathResult | undefined {
  return rs.find(
    (r) =>
      r.family === family && r.protocol === protocol && r.portRange.begin <= port && port <= r.portRange.end,
  );
}

describe('AWS path analysis', () => {
  const net = buildAwsNetwork(VPC());

  it('finds the ranges the internet reaches through IGW, NACL and security group, IPv4 and IPv6', () => {
    const rs = analyzeAwsPaths(net);
    expect(at(rs, 4, 'TCP', 22)).toMatchObject({
      verdict: 'REACHABLE',
      portRange: { begin: 22, end: 22 },
      securityGroupIds: ['sg-0web0000000000001'],
      internetGatewayId: 'igw-0abc1234def567890',
      networkAclId: 'acl-0123456789abcdef0',
      destination: '203.0.113.25',
    });
    expect(at(rs, 4, 'TCP', 8050)).toMatchObject({
      verdict: 'REACHABLE',
      portRange: { begin: 8000, end: 8100 },
    });
    expect(at(rs, 6, 'TCP', 8050)).toMatchObject({
      verdict: 'REACHABLE',
      destination: '2001:db8:1234:1a00::25',
    });
    expect(at(rs, 6, 'TCP', 22)?.verdict).toBe('NOT_REACHABLE');
    // Only members of sg-app may reach 5432, and no interface carries sg-app.
    expect(at(rs, 4, 'TCP', 5432)).toMatchObject({
      verdict: 'NOT_REACHABLE',
      reason: 'no security group of the interface allows it',
    });
    // The ACL lets only TCP replies out over IPv4.
    expect(at(rs, 4, 'UDP', 53)).toMatchObject({
      verdict: 'NOT_REACHABLE',
      reason: 'network ACL acl-0123456789abcdef0 denies the reply outbound',
    });
  });

  it('applies a NACL deny numbered before the allow, and the reply path to the client port', () => {
    const denied = analyzeAwsPaths(net, { internetCidrs: ['198.51.100.7/32'] });
    expect(at(denied, 4, 'TCP', 22)).toMatchObject({
      verdict: 'NOT_REACHABLE',
      reason: 'network ACL acl-0123456789abcdef0 denies it inbound',
    });
    expect(at(denied, 4, 'TCP', 8000)?.verdict).toBe('REACHABLE');
    const lowPort = analyzeAwsPaths(net, { clientPorts: { begin: 500, end: 500 } });
    expect(at(lowPort, 4, 'TCP', 22)?.reason).toBe(
      'network ACL acl-0123456789abcdef0 denies the reply outbound',
    );
  });

  it('has no path without a route back to the internet gateway, or without an attached one', () => {
    const noRoute = VPC() as { routeTables: { RouteTables: { Routes: { GatewayId?: string }[] }[] } };
    for (const t of noRoute.routeTables.RouteTables)
      t.Routes = t.Routes.filter((r) => r.GatewayId === 'local');
    const rs = analyzeAwsPaths(buildAwsNetwork(noRoute));
    expect(rs.every((r) => r.verdict === 'NOT_REACHABLE')).toBe(true);
    expect(at(rs, 4, 'TCP', 22)?.reason).toBe(
      'route table rtb-0123456789abcdef0 has no route back to igw-0abc1234def567890 for these sources',
    );
    const detached = VPC() as { internetGateways: { InternetGateways: { Attachments: unknown[] }[] } };
    for (const g of detached.internetGateways.InternetGateways) g.Attachments = [];
    expect(at(analyzeAwsPaths(buildAwsNetwork(detached)), 4, 'TCP', 22)?.reason).toMatch(
      /^no internet gateway is attached/,
    );
  });

  it("takes the account's trusted CIDRs out of the internet", () => {
    // SSH open only to 203.0.114.0/24 (public space): the internet reaches it until that range is trusted.
    const vpc = VPC();
    const groups = (vpc.securityGroups as { SecurityGroups: Array<Record<string, unknown>> }).SecurityGroups;
    const perms = groups[0]?.IpPermissions as Array<{ FromPort: number; IpRanges: unknown[] }>;
    const ssh = perms.find((p) => p.FromPort === 22);
    if (!ssh) throw new Error('the fixture lost its SSH rule');
    ssh.IpRanges = [{ CidrIp: '203.0.114.0/24' }];
    const office = buildAwsNetwork(vpc);
    expect(at(analyzeAwsPaths(office), 4, 'TCP', 22)?.verdict).toBe('REACHABLE');
    const trusted = analyzeAwsPaths(office, { trustedCidrs: ['203.0.114.0/24'] });
    expect(at(trusted, 4, 'TCP', 22)?.verdict).toBe('NOT_REACHABLE');
    // 8000-8100 is open to 0.0.0.0/0: still reachable from the rest of the internet.
    expect(at(trusted, 4, 'TCP', 8050)?.verdict).toBe('REACHABLE');
  });

  it('says UNKNOWN for a prefix-list rule, naming it', () => {
    const pl = VPC() as { securityGroups: { SecurityGroups: { IpPermissions: unknown[] }[] } };
    pl.securityGroups.SecurityGroups[0]?.IpPermissions.push({
      IpProtocol: 'tcp',
      FromPort: 9000,
      ToPort: 9000,
      PrefixListIds: [{ PrefixListId: 'pl-0123abcd' }],
    });
    const r = at(analyzeAwsPaths(buildAwsNetwork(pl)), 4, 'TCP', 9000);
    expect(r).toMatchObject({
      verdict: 'UNKNOWN',
      unknowns: ['sg-0web0000000000001 allows prefix list pl-0123abcd, whose addresses are not known'],
    });
  });
});

describe('AWS JSON with dangling references or the wrong shape', () => {
  const codeOf = (f: () => unknown): { code: string; details: Record<string, unknown> } => {
    try {
      f();
    } catch (err) {
      if (isVigilError(err)) return { code: err.code, details: { ...err.details } };
      throw err;
    }
    throw new Error('no error');
  };

  it('names the missing subnet, group or gateway', () => {
    const eni = VPC() as { networkInterfaces: { NetworkInterfaces: { SubnetId: string }[] } };
    (eni.networkInterfaces.NetworkInterfaces[0] as { SubnetId: string }).SubnetId = 'subnet-0missing';
    expect(codeOf(() => buildAwsNetwork(eni))).toEqual({
      code: 'CLOUD_NETWORK_DANGLING_REFERENCE',
      details: {
        missingKind: 'subnet',
        missingId: 'subnet-0missing',
        referencedBy: 'network interface eni-0f1e2d3c4b5a69788',
      },
    });
    const sg = VPC() as { securityGroups: { SecurityGroups: { GroupId: string }[] } };
    sg.securityGroups.SecurityGroups = sg.securityGroups.SecurityGroups.filter(
      (g) => g.GroupId !== 'sg-0app0000000000002',
    );
    expect(codeOf(() => buildAwsNetwork(sg)).details).toMatchObject({
      missingKind: 'security group',
      missingId: 'sg-0app0000000000002',
      referencedBy: 'security group sg-0web0000000000001',
    });
    const igw = VPC() as { internetGateways: { InternetGateways: unknown[] } };
    igw.internetGateways.InternetGateways = [];
    expect(codeOf(() => buildAwsNetwork(igw)).details).toMatchObject({
      missingKind: 'internet gateway',
      missingId: 'igw-0abc1234def567890',
    });
  });

  it('refuses JSON that is not what the CLI prints, saying where', () => {
    expect(codeOf(() => buildAwsNetwork({ ...VPC(), subnets: { Subnet: [] } })).code).toBe(
      'CLOUD_NETWORK_INVALID',
    );
    const cidr = VPC() as { networkAcls: { NetworkAcls: { Entries: { CidrBlock?: string }[] }[] } };
    (cidr.networkAcls.NetworkAcls[0]?.Entries[0] as { CidrBlock: string }).CidrBlock = '10.0.0.0/33';
    const e = codeOf(() => buildAwsNetwork(cidr));
    expect(e.code).toBe('CLOUD_NETWORK_INVALID');
    expect(JSON.stringify(e.details)).toContain('/networkAcls/NetworkAcls/0/Entries/0/CidrBlock');
  });
});

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contextualScore } from '../risk/contextual-score.js';
import { buildAwsNetwork } from './cloud/aws-network-model.js';
import { analyzeAwsPaths } from './cloud/aws-path-analysis.js';
import { analyzeHostPaths } from './host/host-path-analysis.js';
import {
  cloudReachabilityFindings,
  hostReachabilityFindings,
  internetExposure,
} from './reachability-findings.js';
import { labFacts } from './testing/facts-builder.js';

const NFT = (rules: string[], policy: 'accept' | 'drop'): unknown => ({
  nftables: [
    { table: { family: 'inet', name: 'filter' } },
    {
      chain: {
        family: 'inet',
        table: 'filter',
        name: 'input',
        type: 'filter',
        hook: 'input',
        prio: 0,
        policy,
      },
    },
    ...rules.map((r, i) => ({
      rule: {
        family: 'inet',
        table: 'filter',
        chain: 'input',
        handle: 10 + i,
        expr: JSON.parse(r) as unknown,
      },
    })),
  ],
});
const TCP_DPORT = (p: number): string =>
  `[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":${p}}},{"accept":null}]`;

function hostFacts(rules: string[], policy: 'accept' | 'drop', tcp: number[]): ReturnType<typeof labFacts> {
  const listing = `table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy ${policy};\n${rules.map((_, i) => `\t\ttcp dport ${[22, 8443][i]} accept # handle ${10 + i}`).join('\n')}\n\t}\n}\n`;
  return labFacts(
    {
      firewall: {
        nftables: { ruleset: NFT(rules, policy), listing },
        iptables: [],
        generatedBy: [],
        active: true,
      },
    },
    tcp,
  );
}

describe('host findings', () => {
  const analysis = analyzeHostPaths(hostFacts([TCP_DPORT(22), TCP_DPORT(8443)], 'drop', [22, 8443, 5432]), {
    sourceClasses: [{ id: 'INTERNET', kind: 'INTERNET' }],
  });
  const findings = hostReachabilityFindings('host-1', analysis);

  it('one per reachable listening port, titled and categorized as Inspector does, naming the rule', () => {
    expect(findings.map((f) => [f.title, f.category, f.severity])).toEqual([
      [
        'Port 22 is reachable from the internet through the host firewall - TCP',
        'RECOGNIZED_PORT_WITH_LISTENER',
        'MEDIUM',
      ],
      [
        'Port 8443 is reachable from the internet through the host firewall - TCP',
        'UNRECOGNIZED_PORT_WITH_LISTENER',
        'MEDIUM',
      ],
    ]);
    const ssh = findings[0];
    expect(ssh?.networkReachabilityDetails).toMatchObject({
      openPortRange: { begin: 22, end: 22 },
      protocol: 'TCP',
    });
    expect(ssh?.networkReachabilityDetails.networkPath.steps.map((s) => s.componentType)).toEqual([
      'HOST_INTERFACE',
      'HOST_FIREWALL_RULE',
      'LISTENING_PROCESS',
    ]);
    expect(ssh?.remediation.recommendation.text).toBe(
      'Change the rule `tcp dport 22 accept` (nftables inet filter/input handle 10) to remove access from the internet on port 22.',
    );
    expect(ssh?.description).toContain('which is associated with SSH');
    // Stable across restarts and reloads: the executable and the rule text, not a pid or a handle.
    expect(ssh?.fingerprint).toBe(
      'host-1|TCP|22-22|RECOGNIZED_PORT_WITH_LISTENER|wan0@10.200.9.1>nftables:inet filter/input:tcp dport 22 accept>/usr/sbin/server',
    );
  });

  it('feeds the contextual score: a path keeps 9.8, none gives what MAV:A gives', () => {
    const v = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
    expect(contextualScore(v, internetExposure({ host: analysis }))).toMatchObject({
      score: 9.8,
      adjustments: [],
    });
    const closed = analyzeHostPaths(hostFacts([], 'drop', [22, 5432]), {
      sourceClasses: [{ id: 'INTERNET', kind: 'INTERNET' }],
    });
    expect(internetExposure({ host: closed })).toMatchObject({ analysed: true, path: false });
    expect(contextualScore(v, internetExposure({ host: closed }))).toMatchObject({
      score: 8.8,
      adjustments: [{ metric: 'attackVector', reason: 'no open network path from the internet' }],
    });
    expect(internetExposure({})).toMatchObject({ analysed: false });
  });
});

describe('cloud findings joined with the instance sockets', () => {
  const net = buildAwsNetwork(
    JSON.parse(readFileSync(join(import.meta.dirname, 'cloud', 'testdata', 'vpc-web.json'), 'utf8')),
  );
  const results = analyzeAwsPaths(net);
  const withAgent = labFacts({ cloud: { provider: 'aws', instanceId: 'i-0123456789abcdef0' } }, [22, 8050]);

  it('tells a recognized port with a listener from one without, and reports unrecognized listeners', () => {
    const f = cloudReachabilityFindings(
      results,
      new Map([['i-0123456789abcdef0', withAgent]]),
      (eni) => net.enis.get(eni)?.PrivateIpAddress,
    );
    const v4 = f.filter((x) => x.description.includes('203.0.113.25'));
    expect(
      v4.map(
        (x) =>
          `${x.category} ${x.networkReachabilityDetails.openPortRange.begin}-${x.networkReachabilityDetails.openPortRange.end} ${x.severity}`,
      ),
    ).toEqual([
      'NETWORK_EXPOSURE 22-22 INFORMATIONAL',
      'RECOGNIZED_PORT_WITH_LISTENER 22-22 MEDIUM',
      'NETWORK_EXPOSURE 8000-8100 INFORMATIONAL',
      'RECOGNIZED_PORT_NO_LISTENER 8080-8080 LOW',
      'UNRECOGNIZED_PORT_WITH_LISTENER 8050-8050 MEDIUM',
    ]);
    const ssh = v4[1];
    expect(ssh?.title).toBe('Port 22 is reachable from an Internet Gateway - TCP');
    expect(ssh?.networkReachabilityDetails.networkPath.steps).toEqual([
      { componentId: 'igw-0abc1234def567890', componentType: 'AWS::EC2::InternetGateway' },
      { componentId: 'acl-0123456789abcdef0', componentType: 'AWS::EC2::NetworkAcl' },
      { componentId: 'sg-0web0000000000001', componentType: 'AWS::EC2::SecurityGroup' },
      { componentId: 'eni-0f1e2d3c4b5a69788', componentType: 'AWS::EC2::NetworkInterface' },
      { componentId: 'i-0123456789abcdef0', componentType: 'AWS::EC2::Instance' },
    ]);
    expect(ssh?.remediation.recommendation.text).toBe(
      'You can edit the security group sg-0web0000000000001 to remove access from the internet on port 22.',
    );
    expect(new Set(f.map((x) => x.fingerprint)).size).toBe(f.length);
  });

  it('without agent facts, recognized ports are "no agent"', () => {
    const f = cloudReachabilityFindings(results, new Map());
    expect(
      f
        .filter((x) => x.category === 'RECOGNIZED_PORT_NO_AGENT')
        .map((x) => x.networkReachabilityDetails.openPortRange.begin),
    ).toEqual([22, 8080, 8080]);
  });
});

import { describe, expect, it } from 'vitest';
import { isVigilError } from '../../src/core/errors/vigil-error.js';
import { buildAwsNetwork } from '../../src/network/cloud/aws-network-model.js';
import { parseNftRuleset } from '../../src/network/firewall/nft-json-parser.js';
import { RULE_EVALUATION_BUDGET } from '../../src/network/firewall/firewall-view.js';
import { analyzeHostPaths } from '../../src/network/host/host-path-analysis.js';
import { readNetworkFacts } from '../../src/network/network-facts-reader.js';
import type { NetworkFacts } from '../../src/network/network-facts.js';
import { labFacts } from '../../src/network/testing/facts-builder.js';

/** Hostile or broken input: a typed error with a stable code, or a bounded answer; never a crash or a guess. */

function errorOf(f: () => unknown): { code: string; message: string; details: Record<string, unknown> } {
  try {
    f();
  } catch (err) {
    if (!isVigilError(err)) throw err;
    return { code: err.code, message: err.message, details: { ...err.details } };
  }
  throw new Error('no error thrown');
}

const table = { table: { family: 'inet', name: 'filter' } };
const input = (policy: string): unknown => ({
  chain: { family: 'inet', table: 'filter', name: 'input', type: 'filter', hook: 'input', prio: 0, policy },
});
const rule = (handle: number, expr: unknown[], chain = 'input'): unknown => ({
  rule: { family: 'inet', table: 'filter', chain, handle, expr },
});
const withNft = (ruleset: unknown, tcp = [22]): NetworkFacts =>
  labFacts({ firewall: { nftables: { ruleset }, iptables: [], generatedBy: [], active: true } }, tcp);
const INTERNET = [{ id: 'INTERNET', kind: 'INTERNET' as const, cidrs: ['8.8.8.8/32'] }];

describe('malformed nft JSON', () => {
  it.each([
    ['not an object at the top', [1, 2, 3]],
    ['items that are not objects', { nftables: ['table'] }],
    ['a rule naming a table that is not listed', { nftables: [rule(1, [{ accept: null }])] }],
    [
      'a rule without expressions',
      { nftables: [table, input('drop'), { rule: { family: 'inet', table: 'filter', chain: 'input' } }] },
    ],
    [
      'a jump to a chain that does not exist',
      { nftables: [table, input('drop'), rule(2, [{ jump: { target: 'nowhere' } }])] },
    ],
  ])(
    '%s: FIREWALL_RULESET_INVALID from the parser, NETWORK_FACTS_INVALID from the facts reader',
    (_what, ruleset) => {
      expect(errorOf(() => parseNftRuleset(ruleset)).code).toBe('FIREWALL_RULESET_INVALID');
      const e = errorOf(() => readNetworkFacts(JSON.stringify(withNft(ruleset))));
      expect(e.code).toBe('NETWORK_FACTS_INVALID');
      expect(JSON.stringify(e.details)).toContain('/firewall');
    },
  );

  it('facts that are not JSON, or of an unknown version, are refused', () => {
    expect(errorOf(() => readNetworkFacts('{"schema": ')).code).toBe('NETWORK_FACTS_INVALID');
    expect(errorOf(() => readNetworkFacts(JSON.stringify({ ...labFacts(), version: 2 }))).message).toMatch(
      /version/,
    );
  });
});

describe('a rule with an expression vigil does not know', () => {
  it('is UNKNOWN with the rule quoted, and only where it is reached', () => {
    const fib = { match: { op: '==', left: { fib: { result: 'type', flags: ['daddr'] } }, right: 'local' } };
    const ruleset = {
      nftables: [
        table,
        input('drop'),
        rule(5, [
          { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 80 } },
          { accept: null },
        ]),
        rule(6, [fib, { accept: null }]),
      ],
    };
    const rs = analyzeHostPaths(withNft(ruleset, [22, 80]), { sourceClasses: INTERNET }).results;
    expect(rs.find((r) => r.port === 80)?.verdict).toBe('REACHABLE');
    const r = rs.find((x) => x.port === 22);
    expect(r?.verdict).toBe('UNKNOWN');
    expect(r?.unknowns[0]?.what).toContain('"fib"');
    expect(r?.unknowns[0]?.rule).toContain('"fib"');
  });
});

describe('a 10 MB ruleset', () => {
  // 45,000 rules dropping single addresses, then a set of 60,000 prefixes, then ssh allowed.
  const rules = Array.from({ length: 45_000 }, (_, i) =>
    rule(10 + i, [
      {
        match: {
          op: '==',
          left: { payload: { protocol: 'ip', field: 'saddr' } },
          right: `198.${(i >> 8) & 255}.${i & 255}.1`,
        },
      },
      { counter: { packets: 0, bytes: 0 } },
      { drop: null },
    ]),
  );
  const set = {
    set: {
      family: 'inet',
      table: 'filter',
      name: 'block',
      type: 'ipv4_addr',
      flags: ['interval'],
      elem: Array.from({ length: 60_000 }, (_, i) => ({
        prefix: { addr: `100.${64 + ((i >> 8) & 63)}.${i & 255}.0`, len: 24 },
      })),
    },
  };
  const block = rule(9, [
    { match: { op: '==', left: { payload: { protocol: 'ip', field: 'saddr' } }, right: '@block' } },
    { drop: null },
  ]);
  const ssh = rule(99_999, [
    { match: { op: '==', left: { payload: { protocol: 'tcp', field: 'dport' } }, right: 22 } },
    { accept: null },
  ]);
  const text = JSON.stringify(withNft({ nftables: [table, set, input('drop'), block, ...rules, ssh] }));

  it('is read within the limit and analysed: definite for given sources, bounded for the whole internet', () => {
    expect(text.length).toBeGreaterThan(10_000_000);
    const facts = readNetworkFacts(text);
    const some = [
      { id: 'INTERNET', kind: 'INTERNET' as const, cidrs: ['8.8.8.8/32', '198.0.5.1/32', '100.64.7.9/32'] },
    ];
    expect(analyzeHostPaths(facts, { sourceClasses: some }).results[0]).toMatchObject({
      verdict: 'REACHABLE',
      source: '8.8.8.8',
    });
    const blocked = [{ id: 'INTERNET', kind: 'INTERNET' as const, cidrs: ['198.0.5.1/32', '100.64.7.0/24'] }];
    expect(analyzeHostPaths(facts, { sourceClasses: blocked }).results[0]?.verdict).toBe('NOT_REACHABLE');
    // Every public address: 45,000 single-address drops split the set into 45,000 ranges, which
    // costs more than the work budget allows: UNKNOWN, saying so.
    const all = analyzeHostPaths(facts, { sourceClasses: [{ id: 'INTERNET', kind: 'INTERNET' }] }).results[0];
    expect(all).toMatchObject({
      verdict: 'UNKNOWN',
      unknowns: [{ what: `more than ${RULE_EVALUATION_BUDGET} units of rule evaluation work` }],
    });
  });

  it('past the limit, it is refused before parsing', () => {
    const e = errorOf(() => readNetworkFacts(text, 8 * 1024 * 1024));
    expect(e).toMatchObject({ code: 'NETWORK_FACTS_TOO_LARGE', details: { limit: 8 * 1024 * 1024 } });
  });

  it('a ruleset whose jumps multiply past the evaluation budget is UNKNOWN, not a hang', () => {
    const chains = ['c1', 'c2', 'c3'].map((name) => ({ chain: { family: 'inet', table: 'filter', name } }));
    const fan = (from: string, to: string): unknown[] =>
      Array.from({ length: 200 }, (_, i) =>
        rule(1000 * (from.length + 1) + i, [{ jump: { target: to } }], from),
      );
    const ruleset = {
      nftables: [
        table,
        input('drop'),
        ...chains,
        ...fan('input', 'c1'),
        ...fan('c1', 'c2'),
        ...fan('c2', 'c3'),
      ],
    };
    const r = analyzeHostPaths(withNft(ruleset), { sourceClasses: INTERNET }).results[0];
    expect(r).toMatchObject({
      verdict: 'UNKNOWN',
      unknowns: [{ what: `more than ${RULE_EVALUATION_BUDGET} units of rule evaluation work` }],
    });
  });
});

describe('AWS JSON with dangling references', () => {
  const minimal = (): Record<string, unknown> => ({
    instances: {
      Reservations: [
        { Instances: [{ InstanceId: 'i-0abc', NetworkInterfaces: [{ NetworkInterfaceId: 'eni-0abc' }] }] },
      ],
    },
    securityGroups: {
      SecurityGroups: [
        {
          GroupId: 'sg-1',
          IpPermissions: [
            { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, UserIdGroupPairs: [{ GroupId: 'sg-404' }] },
          ],
        },
      ],
    },
    networkAcls: { NetworkAcls: [] },
    routeTables: { RouteTables: [] },
    internetGateways: { InternetGateways: [] },
    subnets: { Subnets: [{ SubnetId: 'subnet-1', VpcId: 'vpc-1' }] },
    networkInterfaces: {
      NetworkInterfaces: [
        {
          NetworkInterfaceId: 'eni-0abc',
          SubnetId: 'subnet-1',
          VpcId: 'vpc-1',
          Groups: [{ GroupId: 'sg-1' }],
          Attachment: { InstanceId: 'i-0abc' },
        },
      ],
    },
  });

  it('a security group referencing an unknown group: CLOUD_NETWORK_DANGLING_REFERENCE naming it', () => {
    expect(errorOf(() => buildAwsNetwork(minimal()))).toMatchObject({
      code: 'CLOUD_NETWORK_DANGLING_REFERENCE',
      details: { missingId: 'sg-404', referencedBy: 'security group sg-1' },
    });
  });

  it('an interface of an unknown instance, or in an unknown subnet', () => {
    const m = minimal() as {
      securityGroups: { SecurityGroups: { IpPermissions: unknown[] }[] };
      networkInterfaces: { NetworkInterfaces: { SubnetId: string; Attachment: { InstanceId: string } }[] };
    };
    (m.securityGroups.SecurityGroups[0] as { IpPermissions: unknown[] }).IpPermissions = [];
    const eni = m.networkInterfaces.NetworkInterfaces[0] as {
      SubnetId: string;
      Attachment: { InstanceId: string };
    };
    eni.Attachment.InstanceId = 'i-0gone';
    expect(errorOf(() => buildAwsNetwork(m)).details).toMatchObject({
      missingKind: 'instance',
      missingId: 'i-0gone',
    });
    eni.SubnetId = 'subnet-0gone';
    expect(errorOf(() => buildAwsNetwork(m)).details).toMatchObject({
      missingKind: 'subnet',
      missingId: 'subnet-0gone',
    });
  });
});

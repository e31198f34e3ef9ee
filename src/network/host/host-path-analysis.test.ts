import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { labFacts } from '../testing/facts-builder.js';
import { analyzeHostPaths, type HostPathResult } from './host-path-analysis.js';
import { parseAddress } from '../address/ip-address.js';
import { isPublicAddress } from '../address/public-space.js';
import type { NetworkFacts } from '../network-facts.js';
import { defaultSourceClasses, sourceClassSpace, type SourceClass } from './source-classes.js';

const TESTDATA = join(import.meta.dirname, '..', 'firewall', 'testdata');
// A real `nft -j list ruleset` and `nft -a list ruleset` of one ruleset (sets, maps, jumps, gotos,
// returns, ct state, iifname wildcards, a mark match and a concatenation vigil does not model).
const ruleset: unknown = JSON.parse(readFileSync(join(TESTDATA, 'nft-ruleset.json'), 'utf8'));
const listing = readFileSync(join(TESTDATA, 'nft-ruleset.listing.txt'), 'utf8');

const CLASSES: SourceClass[] = [
  { id: 'LAN_HOST', kind: 'PRIVATE_NETWORK', cidrs: ['10.200.1.5/32'] },
  { id: 'WAN_NEIGHBOUR', kind: 'TRUSTED', cidrs: ['10.200.9.7/32'] },
  { id: 'INTERNET', kind: 'INTERNET', cidrs: ['1.2.3.4/32'] },
];

function results(): HostPathResult[] {
  const facts = labFacts(
    { firewall: { nftables: { ruleset, listing }, iptables: [], generatedBy: [], active: true } },
    [22, 25, 80, 81, 82, 7, 443, 3000],
    [53],
  );
  return analyzeHostPaths(facts, { sourceClasses: CLASSES }).results;
}

function at(rs: HostPathResult[], cls: string, protocol: 'TCP' | 'UDP', port: number): HostPathResult {
  const r = rs.find((x) => x.sourceClass === cls && x.protocol === protocol && x.port === port);
  if (!r) throw new Error(`no result for ${cls} ${protocol}/${port}`);
  return r;
}

describe('host path analysis over a real nft ruleset', () => {
  const rs = results();

  it('follows named sets, verdict maps, jumps, returns and gotos to the deciding rule', () => {
    expect(at(rs, 'LAN_HOST', 'TCP', 22)).toMatchObject({
      verdict: 'REACHABLE',
      reason: 'accepted by: ip saddr @ok4 tcp dport @ports accept',
    });
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 80)).toMatchObject({
      verdict: 'REACHABLE',
      reason: 'accepted by: tcp dport vmap @pv',
    });
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 81)).toMatchObject({
      verdict: 'NOT_REACHABLE',
      reason: 'stopped by: tcp dport vmap @pv',
    });
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 82).verdict).toBe('REACHABLE');
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 7)).toMatchObject({
      verdict: 'REACHABLE',
      reason: 'accepted by: ct state { established, new } counter packets 0 bytes 0 accept',
    });
    expect(at(rs, 'LAN_HOST', 'TCP', 3000)).toMatchObject({
      verdict: 'REACHABLE',
      reason: 'accepted by: iifname { "x", "lan0" } ip protocol tcp accept',
    });
    expect(at(rs, 'INTERNET', 'UDP', 53).verdict).toBe('REACHABLE');
  });

  it('is UNKNOWN, quoting the rule, only where an unmodelled expression is reached', () => {
    const r = at(rs, 'INTERNET', 'TCP', 82);
    expect(r.verdict).toBe('UNKNOWN');
    expect(r.unknowns[0]).toMatchObject({ rule: 'meta mark 0x00000007 accept' });
    // 22 is in `tcp dport { 10, 20-30 } accept`, which comes first: a definite answer.
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 22)).toMatchObject({
      verdict: 'REACHABLE',
      reason: 'accepted by: tcp dport { 10, 20-30 } accept',
    });
    expect(at(rs, 'WAN_NEIGHBOUR', 'TCP', 443).unknowns[0]?.rule).toBe('meta mark 0x00000007 accept');
    expect(rs.filter((x) => x.verdict === 'UNKNOWN').every((x) => x.unknowns.length > 0)).toBe(true);
  });

  it('names the interface, the rules and the listening process on a reachable path', () => {
    const steps = at(rs, 'LAN_HOST', 'TCP', 22).steps;
    // Every base chain on the way has its say: the prerouting chain's policy, then the input rule.
    expect(steps.map((s) => s.componentType)).toEqual([
      'HOST_INTERFACE',
      'HOST_FIREWALL_RULE',
      'HOST_FIREWALL_RULE',
      'LISTENING_PROCESS',
    ]);
    expect(steps[0]).toMatchObject({ componentId: 'lan0', address: '10.200.1.1' });
    expect(steps[1]?.rule).toMatchObject({ table: 't2', chain: 'pre', policy: 'accept' });
    expect(steps[2]?.rule).toMatchObject({
      source: 'nftables',
      family: 'inet',
      table: 'f',
      chain: 'input',
      handle: 15,
    });
    expect(steps[3]?.process).toMatchObject({ comm: 'server', exe: '/usr/sbin/server' });
  });
});

describe('trusted CIDRs are not the internet', () => {
  // 203.0.114.0/24 is public space (unlike the TEST-NET blocks, which public-space.ts leaves out).
  const OFFICE = '203.0.114.0/24';
  const iptables = (rule: string): NetworkFacts['firewall'] => ({
    iptables: [
      {
        family: 4,
        flavour: 'nf_tables',
        text: `*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n${rule}\nCOMMIT\n`,
      },
    ],
    generatedBy: [],
    active: true,
  });
  const internet22 = (firewall: NetworkFacts['firewall'], trustedCidrs?: string[]): HostPathResult =>
    at(
      analyzeHostPaths(labFacts({ firewall }, [22]), trustedCidrs ? { trustedCidrs } : {}).results,
      'INTERNET',
      'TCP',
      22,
    );

  it('a port open only to a trusted range is reachable from the internet without the trust, not with it', () => {
    const onlyOffice = iptables(`-A INPUT -s ${OFFICE} -p tcp -m tcp --dport 22 -j ACCEPT`);
    expect(isPublicAddress(4, parseAddress('203.0.114.7')?.value ?? 0n)).toBe(true);
    expect(internet22(onlyOffice).verdict).toBe('REACHABLE');
    expect(internet22(onlyOffice, [OFFICE]).verdict).toBe('NOT_REACHABLE');
    // The TRUSTED class itself still reaches it.
    const withTrust = analyzeHostPaths(labFacts({ firewall: onlyOffice }, [22]), { trustedCidrs: [OFFICE] });
    expect(at(withTrust.results, 'TRUSTED', 'TCP', 22).verdict).toBe('REACHABLE');
  });

  it('a port open to any source stays reachable from the internet with a trusted range', () => {
    const anyone = iptables('-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT');
    expect(internet22(anyone, [OFFICE]).verdict).toBe('REACHABLE');
  });

  it('the INTERNET class space is the public space minus the trusted CIDRs', () => {
    const [internet] = defaultSourceClasses(labFacts(), [OFFICE, '2a00:1450::/32']);
    const space = sourceClassSpace(internet as SourceClass);
    const has = (a: string): boolean => {
      const p = parseAddress(a);
      return p ? space[p.family].has(p.value) : false;
    };
    expect([has('203.0.114.7'), has('203.0.115.7'), has('2a00:1450::1'), has('2a00:1451::1')]).toEqual([
      false,
      true,
      false,
      true,
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { analyzeHostPaths, type HostPathResult } from '../../src/network/host/host-path-analysis.js';
import { generateIptablesRuleset } from './generators/iptables-ruleset-generator.js';
import { generateNftRuleset } from './generators/nft-ruleset-generator.js';
import {
  HostFirewallLab,
  LAB_SOURCE_CLASSES,
  LISTENER_COUNT,
  type LoadSpec,
} from './lab/host-firewall-lab.js';
import { requireNetworkTools } from './lab/netns-lab.js';
import type { PortStates } from './lab/nmap-scan.js';

/**
 * The host path analysis against real packets: for each generated ruleset, the set of
 * (source class, port, protocol) the analysis calls REACHABLE must equal the set where nmap saw
 * `open`. UNKNOWN results are left out of the comparison, counted and printed.
 */

const FLAVOURS = ['nft', 'nft', 'iptables-legacy', 'iptables-nft', 'mixed'] as const;
const RULESETS = Number(process.env['VG_RULESETS'] ?? 200);
const SLOTS = 6;

interface Tally {
  tried: Record<string, number>;
  reachable: number;
  notReachable: number;
  unknown: { ruleset: number; result: HostPathResult }[];
  mismatches: string[];
}

function specFor(index: number): { flavour: string; spec: LoadSpec } {
  const rnd = new SeededRandom(0x5eed0000 + index);
  const flavour = FLAVOURS[index % FLAVOURS.length] as (typeof FLAVOURS)[number];
  if (flavour === 'nft') return { flavour, spec: { nft: generateNftRuleset(rnd) } };
  if (flavour === 'iptables-legacy')
    return { flavour, spec: { iptablesLegacy: generateIptablesRuleset(rnd) } };
  if (flavour === 'iptables-nft') return { flavour, spec: { iptablesNft: generateIptablesRuleset(rnd) } };
  return { flavour, spec: { nft: generateNftRuleset(rnd), iptablesLegacy: generateIptablesRuleset(rnd) } };
}

function isOpen(states: readonly PortStates[], r: HostPathResult): boolean {
  return states.some((s) => s.get(`${r.protocol.toLowerCase()}/${r.port}`) === 'open');
}

function portsOf(results: readonly HostPathResult[], protocol: 'TCP' | 'UDP'): number[] {
  return [...new Set(results.filter((r) => r.protocol === protocol).map((r) => r.port))];
}

async function runOne(lab: HostFirewallLab, index: number, tally: Tally): Promise<void> {
  const { flavour, spec } = specFor(index);
  await lab.load(spec);
  const facts = await lab.collect();
  // Every listener must still be there, or the comparison would silently shrink.
  if (facts.sockets.length !== LISTENER_COUNT)
    throw new Error(
      `ruleset ${index}: ${facts.sockets.length} sockets collected, expected ${LISTENER_COUNT}`,
    );
  const analysis = analyzeHostPaths(facts, { sourceClasses: LAB_SOURCE_CLASSES });
  const seen = await lab.scan(20000 + index * 4);
  tally.tried[flavour] = (tally.tried[flavour] ?? 0) + 1;
  // A reply delayed past fast-mode timeouts on a loaded machine looks like "not open": such ports are
  // scanned again in careful mode before any disagreement counts. An open port never appears by delay.
  const doubtful = analysis.results.filter(
    (r) => r.verdict === 'REACHABLE' && !isOpen(r.sourceClass === 'INTERNET' ? seen.internet : [seen.lan], r),
  );
  if (doubtful.length > 0) {
    const only = { tcp: portsOf(doubtful, 'TCP'), udp: portsOf(doubtful, 'UDP') };
    const again = await lab.scan(20002 + index * 4, only, true);
    for (const [i, s] of again.internet.entries())
      for (const [k, v] of s) if (v === 'open') seen.internet[i]?.set(k, v);
    for (const [k, v] of again.lan) if (v === 'open') seen.lan.set(k, v);
  }
  for (const r of analysis.results) {
    if (r.verdict === 'UNKNOWN') {
      tally.unknown.push({ ruleset: index, result: r });
      continue;
    }
    const open = isOpen(r.sourceClass === 'INTERNET' ? seen.internet : [seen.lan], r);
    if (r.verdict === 'REACHABLE') tally.reachable++;
    else tally.notReachable++;
    if (open !== (r.verdict === 'REACHABLE')) {
      tally.mismatches.push(
        `ruleset ${index} (${flavour}): ${r.sourceClass} ${r.protocol}/${r.port} analysis ${r.verdict} (${r.reason}), nmap ${open ? 'open' : 'not open'}\n${JSON.stringify(spec, null, 1)}`,
      );
    }
  }
}

describe('host firewall reachability, proven with nmap in network namespaces', () => {
  const labs: HostFirewallLab[] = [];

  beforeAll(async () => {
    requireNetworkTools([
      'ip',
      'ss',
      'nft',
      'nmap',
      'iptables-legacy-restore',
      'iptables-nft-restore',
      'ip6tables-legacy-restore',
      'ip6tables-nft-restore',
    ]);
    for (let i = 0; i < SLOTS; i++) labs.push(new HostFirewallLab(`h${i}`));
    await Promise.all(labs.map((l) => l.start()));
  });

  afterAll(async () => {
    await Promise.all(labs.map((l) => l.cleanup()));
  });

  it(`REACHABLE equals nmap's open over ${RULESETS} generated nft and iptables rulesets`, async () => {
    const tally: Tally = { tried: {}, reachable: 0, notReachable: 0, unknown: [], mismatches: [] };
    let next = 0;
    let failed = false;
    // Workers stop at the first failure and are all done before afterAll removes the namespaces.
    const settled = await Promise.allSettled(
      labs.map(async (lab) => {
        while (next < RULESETS && !failed) {
          await runOne(lab, next++, tally).catch((err: unknown) => {
            failed = true;
            throw err;
          });
        }
      }),
    );
    const rejected = settled.find((s) => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    const tried = Object.values(tally.tried).reduce((a, b) => a + b, 0);
    console.log(
      `host firewall netns proof: ${tried} rulesets tried (${JSON.stringify(tally.tried)}), ` +
        `${tally.reachable} REACHABLE and ${tally.notReachable} NOT_REACHABLE results checked against nmap, ` +
        `${tally.unknown.length} UNKNOWN, ${tally.mismatches.length} mismatches`,
    );
    for (const u of tally.unknown.slice(0, 5))
      console.log(
        `  UNKNOWN ruleset ${u.ruleset}: ${u.result.sourceClass} ${u.result.protocol}/${u.result.port}: ${u.result.reason} [${u.result.unknowns.map((x) => x.rule).join(' | ')}]`,
      );
    expect(tally.mismatches.slice(0, 3)).toEqual([]);
    expect(tried).toBeGreaterThanOrEqual(200);
    // Both verdicts must be common, or the comparison proves little.
    expect(tally.reachable).toBeGreaterThan(300);
    expect(tally.notReachable).toBeGreaterThan(300);
    expect(tally.unknown.every((u) => u.result.unknowns.length > 0)).toBe(true);
  }, 600_000);
});

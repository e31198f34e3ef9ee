import { beforeAll, describe, expect, it } from 'vitest';
import { SeededRandom } from '../../src/core/seeded-random.js';
import { analyzeAwsPaths, type CloudPathResult } from '../../src/network/cloud/aws-path-analysis.js';
import { buildAwsNetwork } from '../../src/network/cloud/aws-network-model.js';
import type { NetworkFacts } from '../../src/network/network-facts.js';
import {
  cloudReachabilityFindings,
  type NetworkFindingDraft,
} from '../../src/network/reachability-findings.js';
import {
  CLIENT_PORT,
  CLIENT_V4,
  CLIENT_V6,
  TCP_POOL,
  generateTopology,
  type LaidOutInstance,
  type Topology,
} from './generators/aws-topology-generator.js';
import { CloudTopologyLab } from './lab/cloud-topology-lab.js';
import { requireNetworkTools } from './lab/netns-lab.js';

/**
 * The cloud path analysis against real packets: generated VPC topologies compiled into namespaces,
 * nmap from an internet namespace. A TCP port the analysis calls REACHABLE must answer (open with a
 * listener, closed without: the reset proves the path), every other must be filtered; a UDP port with
 * a listener must be open exactly when REACHABLE. The findings' listener join must agree with nmap.
 */

const TOPOLOGIES = Number(process.env['VG_TOPOLOGIES'] ?? 50);
const PARALLEL = 5;

interface Tally {
  tried: number;
  checked: number;
  reachable: number;
  unknown: number;
  mismatches: string[];
  features: Map<string, number>;
}

function verdictAt(
  results: readonly CloudPathResult[],
  inst: LaidOutInstance,
  family: 4 | 6,
  protocol: 'TCP' | 'UDP',
  port: number,
): CloudPathResult | undefined {
  return results.find(
    (r) =>
      r.instanceId === inst.instanceId &&
      r.family === family &&
      r.protocol === protocol &&
      r.portRange.begin <= port &&
      port <= r.portRange.end,
  );
}

/** The listener ports and every edge of every rule's port range: where answers change. */
function tcpPortsToScan(t: Topology): number[] {
  const edges = [
    ...t.describe.securityGroups.SecurityGroups.flatMap((g) =>
      g.IpPermissions.flatMap((p) =>
        p.FromPort === undefined ? [] : [p.FromPort - 1, p.FromPort, p.ToPort ?? 0, (p.ToPort ?? 0) + 1],
      ),
    ),
    ...t.describe.networkAcls.NetworkAcls.flatMap((a) =>
      a.Entries.filter((e) => !e.Egress && e.PortRange).flatMap((e) => [
        e.PortRange!.From - 1,
        e.PortRange!.From,
        e.PortRange!.To,
        e.PortRange!.To + 1,
      ]),
    ),
  ];
  return [...new Set([...TCP_POOL, ...edges])]
    .filter((p) => p >= 1 && p <= 65535 && p !== CLIENT_PORT)
    .sort((a, b) => a - b);
}

const answers = (key: string, state: string): boolean =>
  key.startsWith('tcp/') ? state === 'open' || state === 'closed' : state === 'open';

/**
 * A reply delayed past fast-mode timeouts on a loaded machine (IPv6 neighbour discovery through the
 * subnet's bridge, most of all) looks like "filtered": ports the analysis calls REACHABLE that did not
 * answer are scanned again in careful mode before a disagreement counts, as the host-firewall proof
 * does. A port the path blocks never answers, however long nmap waits: the re-check can only rescue
 * a slow REACHABLE, never hide a wrong one.
 */
async function recheckDoubtful(
  lab: CloudTopologyLab,
  seen: Map<string, string>,
  at: { results: readonly CloudPathResult[]; inst: LaidOutInstance; family: 4 | 6; target: string },
): Promise<void> {
  const doubtful = [...seen].filter(([key, state]) => {
    const [proto, port] = key.split('/') as [string, string];
    const r = verdictAt(at.results, at.inst, at.family, proto === 'tcp' ? 'TCP' : 'UDP', Number(port));
    return r?.verdict === 'REACHABLE' && !answers(key, state);
  });
  if (doubtful.length === 0) return;
  const ports = (proto: string): number[] =>
    doubtful.filter(([k]) => k.startsWith(`${proto}/`)).map(([k]) => Number(k.split('/')[1]));
  const again = await lab.scan(at.target, at.family, ports('tcp'), ports('udp'), true);
  for (const [k, v] of again) if (answers(k, v)) seen.set(k, v);
}

function check(
  t: Topology,
  index: number,
  results: readonly CloudPathResult[],
  findings: readonly NetworkFindingDraft[],
  inst: LaidOutInstance,
  family: 4 | 6,
  seen: Map<string, string>,
  tally: Tally,
): void {
  const fail = (msg: string): void =>
    void tally.mismatches.push(
      `topology ${index} ${inst.instanceId} IPv${family} ${msg}\n${JSON.stringify(t.describe)}`,
    );
  for (const [key, state] of seen) {
    const [proto, portText] = key.split('/') as [string, string];
    const port = Number(portText);
    const protocol = proto === 'tcp' ? 'TCP' : 'UDP';
    if (protocol === 'UDP' && !inst.udp.includes(port)) continue;
    const r = verdictAt(results, inst, family, protocol, port);
    if (!r) return fail(`${key}: no analysis result covers it`);
    if (r.verdict === 'UNKNOWN') {
      tally.unknown++;
      continue;
    }
    tally.checked++;
    const answered = answers(key, state);
    if (r.verdict === 'REACHABLE') tally.reachable++;
    if (answered !== (r.verdict === 'REACHABLE'))
      fail(`${key}: analysis ${r.verdict} (${r.reason}), nmap ${state}`);
    const cats = findings
      .filter(
        (f) =>
          f.resources[0]?.id === inst.instanceId &&
          f.networkReachabilityDetails.protocol === protocol &&
          f.networkReachabilityDetails.openPortRange.begin === port &&
          f.networkReachabilityDetails.openPortRange.end === port,
      )
      .map((f) => f.category);
    if (
      protocol === 'TCP' &&
      state === 'open' &&
      r.verdict === 'REACHABLE' &&
      !cats.some((c) => c.endsWith('WITH_LISTENER'))
    )
      fail(`${key}: open, but no finding with a listener (${cats.join(',')})`);
    if (protocol === 'TCP' && state === 'closed' && cats.some((c) => c.endsWith('WITH_LISTENER')))
      fail(`${key}: closed, but a finding says a process listens`);
  }
}

async function runOne(index: number, tally: Tally): Promise<void> {
  const topology = generateTopology(new SeededRandom(0xc10d0000 + index), index);
  for (const f of topology.features) tally.features.set(f, (tally.features.get(f) ?? 0) + 1);
  const lab = new CloudTopologyLab(`c${index % PARALLEL}`, topology);
  try {
    await lab.start();
    const facts = new Map<string, NetworkFacts>();
    for (const inst of topology.instances) facts.set(inst.instanceId, await lab.facts(inst));
    const net = buildAwsNetwork(topology.describe);
    const results = analyzeAwsPaths(net, {
      internetCidrs: [`${CLIENT_V4}/32`, `${CLIENT_V6}/128`],
      clientPorts: { begin: CLIENT_PORT, end: CLIENT_PORT },
    });
    const findings = cloudReachabilityFindings(results, facts, (eni) => net.enis.get(eni)?.PrivateIpAddress);
    const tcp = tcpPortsToScan(topology);
    for (const inst of topology.instances) {
      for (const [family, target] of [
        [4, inst.publicIp],
        [6, inst.ipv6],
      ] as const) {
        if (!target) {
          // No address the internet can use: the analysis must not claim a path.
          if (
            results.some(
              (r) => r.instanceId === inst.instanceId && r.family === family && r.verdict !== 'NOT_REACHABLE',
            )
          )
            tally.mismatches.push(
              `topology ${index} ${inst.instanceId} IPv${family}: reachable without an address`,
            );
          continue;
        }
        const seen = await lab.scan(target, family, tcp, inst.udp);
        await recheckDoubtful(lab, seen, { results, inst, family, target });
        check(topology, index, results, findings, inst, family, seen, tally);
      }
    }
    tally.tried++;
  } finally {
    await lab.cleanup();
  }
}

describe('AWS cloud paths, proven with nmap through namespaces compiled from the describe JSON', () => {
  beforeAll(() => requireNetworkTools(['ip', 'nft', 'nmap']));

  it(`the analysis equals what packets see over ${TOPOLOGIES} generated topologies`, async () => {
    const tally: Tally = {
      tried: 0,
      checked: 0,
      reachable: 0,
      unknown: 0,
      mismatches: [],
      features: new Map(),
    };
    let next = 0;
    let failed = false;
    // Workers stop at the first failure, and every worker has cleaned up before the test ends.
    const settled = await Promise.allSettled(
      Array.from({ length: PARALLEL }, async () => {
        while (next < TOPOLOGIES && !failed) {
          await runOne(next++, tally).catch((err: unknown) => {
            failed = true;
            throw err;
          });
        }
      }),
    );
    const rejected = settled.find((s) => s.status === 'rejected');
    if (rejected) throw rejected.reason;
    console.log(
      `cloud netns proof: ${tally.tried} topologies tried, ${tally.checked} (instance, family, port) answers checked ` +
        `(${tally.reachable} REACHABLE), ${tally.unknown} UNKNOWN, ${tally.mismatches.length} mismatches; features ${JSON.stringify(Object.fromEntries(tally.features))}`,
    );
    expect(tally.mismatches.slice(0, 3)).toEqual([]);
    expect(tally.tried).toBeGreaterThanOrEqual(50);
    for (const f of [
      'nacl-deny-before-allow',
      'sg-references-sg',
      'route-table-without-igw',
      'ipv6',
      'main-route-table-fallback',
    ]) {
      expect(tally.features.get(f) ?? 0, f).toBeGreaterThanOrEqual(5);
    }
    expect(tally.reachable).toBeGreaterThan(100);
    expect(tally.checked - tally.reachable).toBeGreaterThan(100);
  }, 900_000);
});

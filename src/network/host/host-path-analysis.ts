import { formatAddress, type IpFamily } from '../address/ip-address.js';
import { decide, loadFirewall, type FirewallView, type Verdict } from '../firewall/firewall-view.js';
import type { ListeningSocket, NetworkFacts } from '../network-facts.js';
import { ruleStep, type PathStep } from '../path-step.js';
import { arrivals, isLoopbackSocket, socketAccepts } from './arrival.js';
import {
  defaultSourceClasses,
  sourceClassSpace,
  type SourceClass,
  type SourceClassKind,
} from './source-classes.js';

/**
 * For each listening socket not bound to loopback and each source class: can a new connection
 * (TCP SYN, or a first UDP datagram) from some address of the class reach the socket through the
 * host's firewall? REACHABLE comes with the path that lets it in, NOT_REACHABLE with the rule that
 * stops it, UNKNOWN with the rule the analysis could not evaluate. Never a guess.
 */

export type { Verdict } from '../firewall/firewall-view.js';

export interface HostPathResult {
  sourceClass: string;
  sourceKind: SourceClassKind;
  protocol: 'TCP' | 'UDP';
  port: number;
  verdict: Verdict;
  reason: string;
  /** A source address of the class the verdict holds for. */
  source?: string;
  steps: PathStep[];
  /** For UNKNOWN: what could not be evaluated, with the rule text. */
  unknowns: { what: string; rule?: string }[];
}

export interface HostAnalysis {
  results: HostPathResult[];
  firewall: { active: boolean; generatedBy: readonly string[]; gaps: readonly string[] };
}

export interface HostAnalysisOptions {
  sourceClasses?: readonly SourceClass[];
  trustedCidrs?: readonly string[];
}

export function analyzeHostPaths(facts: NetworkFacts, options: HostAnalysisOptions = {}): HostAnalysis {
  const view = loadFirewall(facts.firewall, facts.notes);
  const classes = options.sourceClasses ?? defaultSourceClasses(facts, options.trustedCidrs);
  const groups = new Map<string, ListeningSocket[]>();
  for (const s of facts.sockets) {
    if (isLoopbackSocket(s)) continue;
    const key = `${s.protocol} ${s.port}`;
    groups.set(key, [...(groups.get(key) ?? []), s]);
  }
  const results: HostPathResult[] = [];
  for (const c of classes) {
    for (const sockets of groups.values()) results.push(analyzePort(facts, view, c, sockets));
  }
  const { active, generatedBy } = facts.firewall;
  return { results, firewall: { active, generatedBy, gaps: view.gaps } };
}

interface Candidate {
  verdict: Verdict;
  result: Omit<HostPathResult, 'sourceClass' | 'sourceKind' | 'protocol' | 'port'>;
}

function analyzePort(
  facts: NetworkFacts,
  view: FirewallView,
  c: SourceClass,
  sockets: ListeningSocket[],
): HostPathResult {
  const first = sockets[0] as ListeningSocket;
  const head = { sourceClass: c.id, sourceKind: c.kind, protocol: first.protocol, port: first.port };
  const space = sourceClassSpace(c);
  const candidates: Candidate[] = [];
  for (const socket of sockets) {
    for (const family of [4, 6] as const) {
      if (space[family].isEmpty()) continue;
      candidates.push(...socketCandidates(facts, view, socket, family, space[family]));
    }
  }
  const best =
    candidates.find((x) => x.verdict === 'REACHABLE') ??
    candidates.find((x) => x.verdict === 'UNKNOWN') ??
    candidates[0];
  if (best) return { ...head, ...best.result };
  return {
    ...head,
    verdict: 'NOT_REACHABLE',
    reason: 'no route and interface address of this host connects these sources to the socket',
    steps: [],
    unknowns: [],
  };
}

function socketCandidates(
  facts: NetworkFacts,
  view: FirewallView,
  socket: ListeningSocket,
  family: IpFamily,
  set: Parameters<typeof arrivals>[2],
): Candidate[] {
  const out: Candidate[] = [];
  for (const arrival of arrivals(facts, family, set)) {
    for (const daddr of arrival.daddrs) {
      const accepts = socketAccepts(socket, family, daddr.value);
      if (accepts === false) continue;
      const proto = socket.protocol === 'TCP' ? 'tcp' : 'udp';
      const d = decide(
        view,
        { family, daddr: daddr.value, proto, dport: socket.port, iifname: arrival.iface },
        arrival.set,
      );
      const iface: PathStep = {
        componentId: arrival.iface ?? 'unknown interface',
        componentType: 'HOST_INTERFACE',
        address: daddr.text,
      };
      const owner = socket.owners[0];
      const proc: PathStep = owner
        ? { componentId: `${owner.comm}[${owner.pid}]`, componentType: 'LISTENING_PROCESS', process: owner }
        : { componentId: 'unknown process', componentType: 'LISTENING_PROCESS' };
      const steps = [iface, ...d.rules.map(ruleStep), ...(d.verdict === 'REACHABLE' ? [proc] : [])];
      const unknowns = d.unknowns.map((u) => ({ what: u.what, ...(u.rule ? { rule: u.rule.text } : {}) }));
      let verdict = d.verdict;
      if (accepts === 'unknown' && verdict === 'REACHABLE') {
        verdict = 'UNKNOWN';
        unknowns.push({
          what: `IPv4 to a socket on [${socket.address}]:${socket.port} whose IPV6_V6ONLY is not known`,
        });
      }
      const source = d.witness === undefined ? {} : { source: formatAddress(family, d.witness) };
      out.push({
        verdict,
        result: {
          verdict,
          reason: reasonOf(verdict, d.rules.at(-1)?.text, unknowns[0]?.what),
          ...source,
          steps,
          unknowns,
        },
      });
    }
  }
  return out;
}

function reasonOf(verdict: Verdict, lastRule: string | undefined, unknown: string | undefined): string {
  if (verdict === 'REACHABLE')
    return lastRule ? `accepted by: ${lastRule}` : 'no firewall rule on the input path';
  if (verdict === 'UNKNOWN') return `cannot evaluate: ${unknown ?? 'unknown'}`;
  return lastRule ? `stopped by: ${lastRule}` : 'not delivered';
}

import type { IntervalSet } from '../address/interval-set.js';
import type { IpFamily } from '../address/ip-address.js';

/**
 * One representation for nftables and iptables rules: chains of rules, each a conjunction of matches
 * and at most one verdict. Both parsers translate into it and one evaluator reads it, so jump, goto
 * and return mean the same thing whichever tool wrote the rules. What a parser does not understand
 * becomes an `unknown` match or statement carrying the rule's text, never a silent omission.
 */

export type FirewallSource = 'nftables' | 'iptables-legacy' | 'iptables-nft';

/** Where a rule lives, and its text as the tool prints it (quoted in paths and UNKNOWN results). */
export interface RuleRef {
  source: FirewallSource;
  /** nft table family (ip, ip6, inet, netdev, …); `ip`/`ip6` for iptables/ip6tables. */
  family: string;
  table: string;
  chain: string;
  /** nft rule handle; for iptables the rule's 1-based position in its chain. */
  handle?: number;
  /** Set for the chain policy pseudo-rule. */
  policy?: 'accept' | 'drop';
  text: string;
}

export type L4Proto = 'tcp' | 'udp';

export interface InterfacePattern {
  name: string;
  prefix: boolean;
}

export type Match =
  /** ip/ip6 saddr or daddr: implies the packet family (nft payload dependency). */
  | { field: 'saddr' | 'daddr'; family: IpFamily; set: IntervalSet; negate: boolean }
  /** Destination port; `any` is nft's `th` (any transport header). Implies that protocol. */
  | { field: 'dport'; proto: L4Proto | 'any'; ports: IntervalSet; negate: boolean }
  /** IP protocol numbers (6 tcp, 17 udp, …). */
  | { field: 'l4proto'; protos: readonly number[]; negate: boolean }
  | { field: 'nfproto'; family: IpFamily; negate: boolean }
  /** Input interface names; `prefix` for nft's `wan*` and iptables' `wan+`. */
  | { field: 'iifname'; names: readonly InterfacePattern[]; negate: boolean }
  /** Conntrack states (new, established, related, invalid, untracked). */
  | { field: 'ctstate'; states: readonly string[]; negate: boolean }
  /** A match whose answer is the same for every packet the analysis models (addrtype LOCAL). */
  | { field: 'const'; value: boolean }
  | { field: 'unknown'; what: string };

export type Verdict =
  | { kind: 'accept' }
  | { kind: 'drop' }
  | { kind: 'reject' }
  | { kind: 'return' }
  | { kind: 'continue' }
  | { kind: 'jump'; chain: string }
  | { kind: 'goto'; chain: string }
  /** nft verdict map: entries tried in order (their keys are disjoint); no entry → continue. */
  | { kind: 'vmap'; entries: readonly { match: Match; verdict: Verdict }[] }
  | { kind: 'unknown'; what: string };

export interface Rule {
  matches: readonly Match[];
  /** Statements that change what later rules see or where the packet goes (dnat, queue, notrack…). */
  unknownStatements: readonly string[];
  verdict?: Verdict;
  ref: RuleRef;
}

export type Hook = 'ingress' | 'prerouting' | 'input';

export interface BaseChainInfo {
  hook: Hook;
  priority: number;
  policy: 'accept' | 'drop';
  /** nft chain type (filter, nat, route) or the iptables table name. */
  type: string;
  /** Ingress chains: the devices they are attached to (they see no other device's packets). */
  devices?: readonly string[];
}

export interface Chain {
  name: string;
  rules: readonly Rule[];
  base?: BaseChainInfo;
}

export interface Table {
  source: FirewallSource;
  family: string;
  name: string;
  chains: ReadonlyMap<string, Chain>;
}

/** Which packet families a table of that family sees on the IP input path. */
export function familiesOfTable(family: string): readonly IpFamily[] {
  if (family === 'ip') return [4];
  if (family === 'ip6') return [6];
  if (family === 'inet' || family === 'netdev') return [4, 6];
  return [];
}

export const PROTO_NUMBERS: Readonly<Record<string, number>> = {
  icmp: 1,
  igmp: 2,
  tcp: 6,
  udp: 17,
  gre: 47,
  esp: 50,
  ah: 51,
  'ipv6-icmp': 58,
  icmpv6: 58,
  sctp: 132,
  udplite: 136,
  dccp: 33,
};

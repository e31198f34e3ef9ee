import { IntervalSet } from '../address/interval-set.js';
import type { CollectionNote, FirewallFacts } from '../network-facts.js';
import {
  ChainEvaluator,
  EvaluationBudgetExceeded,
  type Outcome,
  type PacketContext,
} from './chain-evaluator.js';
import { parseIptablesSave } from './iptables-save-parser.js';
import { parseNftRuleset } from './nft-json-parser.js';
import { familiesOfTable, type Chain, type RuleRef, type Table } from './rule-ir.js';

/**
 * Every table a host's firewall facts describe, read once, and the verdict on one packet across all
 * base chains of the input path. Base chains are independent: `accept` in one only hands the packet
 * to the next, `drop` anywhere is final. So a source address is delivered when every applicable base
 * chain accepts it, and possibly delivered when every chain accepts it or could not be evaluated.
 */

export interface FirewallView {
  tables: readonly Table[];
  /** Parts of the firewall the facts could not show (a tool missing, a dump cut off). */
  gaps: readonly string[];
}

const FIREWALL_SOURCES = /^(nft|iptables|ip6tables)/;

// Facts are read once and analysed many times (per source class, socket, address): parse once.
const parsed = new WeakMap<FirewallFacts, readonly Table[]>();

export function loadFirewall(fw: FirewallFacts, notes: readonly CollectionNote[]): FirewallView {
  const gaps = notes
    .filter((n) => FIREWALL_SOURCES.test(n.source) && n.code !== 'NO_FIREWALL')
    .map((n) => `${n.source}: ${n.message}`);
  const cached = parsed.get(fw);
  if (cached) return { tables: cached, gaps };
  const tables = parseTables(fw);
  parsed.set(fw, tables);
  return { tables, gaps };
}

function parseTables(fw: FirewallFacts): Table[] {
  const tables: Table[] = [];
  const skip = new Set<string>();
  for (const dump of fw.iptables) {
    const source = dump.flavour === 'legacy' ? 'iptables-legacy' : 'iptables-nft';
    const parsed = parseIptablesSave(dump.text, dump.family, source);
    tables.push(...parsed);
    // iptables-nft's tables also appear in nft's JSON, where their xt matches are opaque.
    if (dump.flavour === 'nf_tables') for (const t of parsed) skip.add(`${t.family} ${t.name}`);
  }
  if (fw.nftables)
    tables.push(
      ...parseNftRuleset(fw.nftables.ruleset, {
        ...(fw.nftables.listing ? { listing: fw.nftables.listing } : {}),
        skipTables: skip,
      }),
    );
  return tables;
}

export type Verdict = 'REACHABLE' | 'NOT_REACHABLE' | 'UNKNOWN';

export interface FirewallDecision {
  verdict: Verdict;
  /** A source address the verdict is shown for (the first one it holds for). */
  witness: bigint | undefined;
  /** Rules (and policies) that decided the witness, chain by chain in hook and priority order. */
  rules: RuleRef[];
  unknowns: { what: string; rule?: RuleRef }[];
}

const HOOK_ORDER = { ingress: 0, prerouting: 1, input: 2 } as const;

interface ChainRun {
  chain: Chain;
  outcomes: Outcome[];
}

/**
 * Cap on the work of one verdict (rule evaluations weighted by how fragmented the source set is): a
 * hostile or huge dump ends in UNKNOWN with this reason instead of an analysis that does not finish.
 */
export const RULE_EVALUATION_BUDGET = 5_000_000;

export function decide(
  view: FirewallView,
  ctx: Omit<PacketContext, 'ctKnown'>,
  set: IntervalSet,
): FirewallDecision {
  const runs: ChainRun[] = [];
  const budget = { left: RULE_EVALUATION_BUDGET };
  try {
    for (const { table, chain } of baseChains(view, ctx.family)) {
      const base = chain.base!;
      const ctKnown = base.hook === 'input' || (base.hook === 'prerouting' && base.priority > -200);
      const outcomes = new ChainEvaluator(table, { ...ctx, ctKnown }, budget).run(chain, set);
      runs.push({ chain, outcomes: outcomes.map((o) => settle(o, table, chain, ctx.iifname)) });
    }
  } catch (err) {
    if (!(err instanceof EvaluationBudgetExceeded)) throw err;
    const what = `more than ${RULE_EVALUATION_BUDGET} units of rule evaluation work`;
    return { verdict: 'UNKNOWN', witness: set.first(), rules: [], unknowns: [{ what }] };
  }
  let accept = set;
  let possible = set;
  for (const r of runs) {
    accept = accept.intersect(union(r.outcomes, ['accept']));
    possible = possible.intersect(union(r.outcomes, ['accept', 'unknown']));
  }
  const gaps = view.gaps.map((what) => ({ what }));
  if (!accept.isEmpty() && gaps.length === 0) return explain('REACHABLE', accept.first()!, runs, []);
  if (!possible.isEmpty()) return explain('UNKNOWN', possible.first()!, runs, gaps);
  const w = set.first();
  if (w === undefined) return { verdict: 'NOT_REACHABLE', witness: undefined, rules: [], unknowns: [] };
  const dropping = runs.find((r) => r.outcomes.some((o) => o.kind === 'drop' && o.set.has(w)));
  return explain('NOT_REACHABLE', w, dropping ? [dropping] : [], []);
}

function baseChains(view: FirewallView, family: 4 | 6): { table: Table; chain: Chain }[] {
  const out: { table: Table; chain: Chain }[] = [];
  for (const table of view.tables) {
    if (!familiesOfTable(table.family).includes(family)) continue;
    for (const chain of table.chains.values()) if (chain.base) out.push({ table, chain });
  }
  return out.sort(
    (a, b) =>
      HOOK_ORDER[a.chain.base!.hook] - HOOK_ORDER[b.chain.base!.hook] ||
      a.chain.base!.priority - b.chain.base!.priority,
  );
}

/** Falling off a base chain applies its policy; an ingress chain of another device does not apply. */
function settle(o: Outcome, table: Table, chain: Chain, iifname: string | undefined): Outcome {
  const base = chain.base!;
  const devices = base.devices;
  if (devices && iifname !== undefined && !devices.includes(iifname))
    return { ...o, kind: 'accept', trace: [] };
  const ref: RuleRef = {
    source: table.source,
    family: table.family,
    table: table.name,
    chain: chain.name,
    policy: base.policy,
    text: `policy ${base.policy}`,
  };
  const settled: Outcome =
    o.kind === 'return' ? { set: o.set, kind: base.policy, trace: [...o.trace, ref] } : o;
  if (devices && iifname === undefined && settled.kind === 'drop') {
    return {
      ...settled,
      kind: 'unknown',
      unknown: { what: `ingress chain of ${devices.join(', ')}; the input interface is not known` },
    };
  }
  return settled;
}

function union(outcomes: readonly Outcome[], kinds: readonly Outcome['kind'][]): IntervalSet {
  return outcomes
    .filter((o) => kinds.includes(o.kind))
    .reduce((acc, o) => acc.union(o.set), IntervalSet.EMPTY);
}

function explain(
  verdict: Verdict,
  w: bigint,
  runs: readonly ChainRun[],
  extra: FirewallDecision['unknowns'],
): FirewallDecision {
  const rules: RuleRef[] = [];
  const unknowns = [...extra];
  for (const r of runs) {
    const o = r.outcomes.find((x) => x.set.has(w));
    if (!o) continue;
    rules.push(...o.trace);
    if (o.kind === 'unknown' && o.unknown) unknowns.push(o.unknown);
  }
  return { verdict, witness: w, rules, unknowns };
}

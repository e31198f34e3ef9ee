import { IntervalSet } from '../address/interval-set.js';
import type { IpFamily } from '../address/ip-address.js';
import {
  PROTO_NUMBERS,
  type Chain,
  type L4Proto,
  type Match,
  type Rule,
  type RuleRef,
  type Table,
  type Verdict,
} from './rule-ir.js';

/**
 * Walks one packet through one base chain and the chains it jumps to. Every field of the packet is
 * concrete except its source address, which is a set: a rule on `ip saddr` splits the set, so one walk
 * answers for a whole source class. The walk ends in fragments of that set, each accepted, dropped or
 * UNKNOWN (a match or statement the IR could not read was reached), with the rules that decided it.
 */

export interface PacketContext {
  family: IpFamily;
  daddr: bigint;
  proto: L4Proto;
  dport: number;
  /** Undefined when the interface the packet arrives on is not known: iif matches are UNKNOWN. */
  iifname: string | undefined;
  /** False before conntrack has seen the packet (raw priority, ingress): ct matches are UNKNOWN. */
  ctKnown: boolean;
}

export interface Outcome {
  set: IntervalSet;
  kind: 'accept' | 'drop' | 'unknown' | 'return';
  trace: readonly RuleRef[];
  /** For UNKNOWN: what could not be evaluated, and in which rule. */
  unknown?: { what: string; rule?: RuleRef };
}

interface Frag {
  set: IntervalSet;
  trace: readonly RuleRef[];
}

/** nft refuses rulesets that jump deeper than 16 chains; deeper here means the dump was not nft's. */
const MAX_DEPTH = 16;

export class EvaluationBudgetExceeded extends Error {}

export class ChainEvaluator {
  constructor(
    private readonly table: Table,
    private readonly ctx: PacketContext,
    private readonly budget: { left: number },
  ) {}

  /** Fragments of `set` at the end of `chain`, with `return` for those that fell through. */
  run(chain: Chain, set: IntervalSet): Outcome[] {
    return this.chain(chain, [{ set, trace: [] }], 0);
  }

  private chain(chain: Chain, input: Frag[], depth: number): Outcome[] {
    const done: Outcome[] = [];
    let live = input.filter((f) => !f.set.isEmpty());
    for (const rule of chain.rules) {
      if (live.length === 0) break;
      const next: Frag[] = [];
      for (const frag of live) next.push(...this.rule(rule, frag, depth, done));
      live = next;
    }
    for (const f of live) done.push({ set: f.set, kind: 'return', trace: f.trace });
    return done;
  }

  /** Applies one rule to a fragment; returns the parts that go on to the next rule. */
  private rule(rule: Rule, frag: Frag, depth: number, done: Outcome[]): Frag[] {
    // Work, not rules: a rule costs more the more ranges the source set has been split into.
    this.budget.left -= 1 + frag.set.intervals.length;
    if (this.budget.left < 0) throw new EvaluationBudgetExceeded();
    let yes = frag.set;
    let unknownWhat: string | undefined;
    for (const m of rule.matches) {
      const r = this.match(m, yes);
      if (typeof r === 'string') unknownWhat ??= r;
      else yes = r;
      if (yes.isEmpty()) return [frag];
    }
    const rest = frag.set.subtract(yes);
    const cont: Frag[] = rest.isEmpty() ? [] : [{ set: rest, trace: frag.trace }];
    const effectless = !rule.verdict && rule.unknownStatements.length === 0;
    if (effectless || rule.verdict?.kind === 'continue') return [frag];
    const unknownOf = unknownWhat ?? rule.unknownStatements[0];
    if (unknownOf !== undefined) {
      done.push({
        set: yes,
        kind: 'unknown',
        trace: [...frag.trace, rule.ref],
        unknown: { what: unknownOf, rule: rule.ref },
      });
      return cont;
    }
    const verdict = rule.verdict as Verdict;
    return [
      ...cont,
      ...this.verdict(verdict, { set: yes, trace: [...frag.trace, rule.ref] }, rule, depth, done),
    ];
  }

  private verdict(v: Verdict, frag: Frag, rule: Rule, depth: number, done: Outcome[]): Frag[] {
    switch (v.kind) {
      case 'accept':
        done.push({ ...frag, kind: 'accept' });
        return [];
      case 'drop':
      case 'reject':
        done.push({ ...frag, kind: 'drop' });
        return [];
      case 'return':
        done.push({ ...frag, kind: 'return' });
        return [];
      case 'continue':
        return [frag];
      case 'unknown':
        done.push({ ...frag, kind: 'unknown', unknown: { what: v.what, rule: rule.ref } });
        return [];
      case 'jump':
      case 'goto':
        return this.call(v.kind, v.chain, frag, rule, depth, done);
      case 'vmap':
        return this.vmap(v.entries, frag, rule, depth, done);
    }
  }

  private call(
    kind: 'jump' | 'goto',
    name: string,
    frag: Frag,
    rule: Rule,
    depth: number,
    done: Outcome[],
  ): Frag[] {
    const target = this.table.chains.get(name);
    if (!target || depth + 1 > MAX_DEPTH) {
      const what = target ? `jumps deeper than ${MAX_DEPTH} chains` : `jumps to missing chain ${name}`;
      done.push({ ...frag, kind: 'unknown', unknown: { what, rule: rule.ref } });
      return [];
    }
    const back: Frag[] = [];
    for (const o of this.chain(target, [frag], depth + 1)) {
      if (o.kind !== 'return') done.push(o);
      // A jump resumes after the jumping rule; a goto resumes wherever the current chain was called from.
      else if (kind === 'jump') back.push({ set: o.set, trace: frag.trace.slice(0, -1) });
      else done.push({ set: o.set, kind: 'return', trace: frag.trace.slice(0, -1) });
    }
    return back;
  }

  private vmap(
    entries: readonly { match: Match; verdict: Verdict }[],
    frag: Frag,
    rule: Rule,
    depth: number,
    done: Outcome[],
  ): Frag[] {
    let rest = frag.set;
    const out: Frag[] = [];
    for (const e of entries) {
      if (rest.isEmpty()) break;
      const r = this.match(e.match, rest);
      if (typeof r === 'string') {
        done.push({ set: rest, kind: 'unknown', trace: frag.trace, unknown: { what: r, rule: rule.ref } });
        return out;
      }
      if (r.isEmpty()) continue;
      out.push(...this.verdict(e.verdict, { set: r, trace: frag.trace }, rule, depth, done));
      rest = rest.subtract(r);
    }
    if (!rest.isEmpty()) out.push({ set: rest, trace: frag.trace.slice(0, -1) });
    return out;
  }

  /** The part of `set` the match holds for, or a string saying why it cannot be told. */
  private match(m: Match, set: IntervalSet): IntervalSet | string {
    const c = this.ctx;
    const all = (ok: boolean): IntervalSet => (ok ? set : IntervalSet.EMPTY);
    switch (m.field) {
      case 'saddr':
        if (m.family !== c.family) return IntervalSet.EMPTY;
        return m.negate ? set.subtract(m.set) : set.intersect(m.set);
      case 'daddr':
        return all(m.family === c.family && m.set.has(c.daddr) !== m.negate);
      case 'dport':
        return all((m.proto === 'any' || m.proto === c.proto) && m.ports.has(BigInt(c.dport)) !== m.negate);
      case 'l4proto':
        return all(m.protos.includes(PROTO_NUMBERS[c.proto] as number) !== m.negate);
      case 'nfproto':
        return all((m.family === c.family) !== m.negate);
      case 'iifname': {
        const name = c.iifname;
        if (name === undefined) return 'the input interface is not known';
        const hit = m.names.some((p) => (p.prefix ? name.startsWith(p.name) : name === p.name));
        return all(hit !== m.negate);
      }
      case 'ctstate':
        if (!c.ctKnown) return 'conntrack state before conntrack has seen the packet';
        return all(m.states.includes('new') !== m.negate);
      case 'const':
        return all(m.value);
      case 'unknown':
        return m.what;
    }
  }
}

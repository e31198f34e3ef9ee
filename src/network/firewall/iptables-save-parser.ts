import type { IpFamily } from '../address/ip-address.js';
import { FirewallRulesetError } from './firewall-ruleset-error.js';
import { translateRuleArgs } from './iptables-rule.js';
import type { BaseChainInfo, Chain, FirewallSource, Rule, Table } from './rule-ir.js';

/**
 * `iptables-save` / `ip6tables-save` text (either flavour) into IR tables. Lines other than comments,
 * `*table`, `:chain policy [counters]`, `-A chain …` and `COMMIT` make the dump invalid
 * (FirewallRulesetError); inside an `-A` line, what is not understood becomes UNKNOWN.
 */

/** Built-in chains on the IP input path, with the netfilter priority of their table. */
const BUILTIN_HOOKS: Readonly<
  Record<string, Readonly<Record<string, { hook: 'prerouting' | 'input'; priority: number }>>>
> = {
  raw: { PREROUTING: { hook: 'prerouting', priority: -300 } },
  mangle: { PREROUTING: { hook: 'prerouting', priority: -150 }, INPUT: { hook: 'input', priority: -150 } },
  nat: { PREROUTING: { hook: 'prerouting', priority: -100 }, INPUT: { hook: 'input', priority: 100 } },
  filter: { INPUT: { hook: 'input', priority: 0 } },
  security: { INPUT: { hook: 'input', priority: 50 } },
};

interface RawChain {
  name: string;
  base?: BaseChainInfo;
  rules: Rule[];
  lines: { line: string; lineNo: number }[];
}

export function parseIptablesSave(text: string, family: IpFamily, source: FirewallSource): Table[] {
  const fail = (reason: string, lineNo: number): FirewallRulesetError =>
    new FirewallRulesetError(
      source === 'iptables-nft' ? 'iptables-nft-save' : 'iptables-legacy-save',
      reason,
      `line ${lineNo}`,
    );
  const tables: Table[] = [];
  let current: { name: string; chains: Map<string, RawChain> } | undefined;
  text.split('\n').forEach((raw, i) => {
    const lineNo = i + 1;
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    if (line.startsWith('*')) {
      if (current) throw fail(`table ${line.slice(1)} starts before COMMIT of ${current.name}`, lineNo);
      current = { name: line.slice(1), chains: new Map() };
      return;
    }
    if (!current) throw fail('a line outside any *table block', lineNo);
    if (line === 'COMMIT') {
      tables.push(finishTable(current, family, source, fail));
      current = undefined;
      return;
    }
    const head = /^:(\S+) (\S+)(?: \[\d+:\d+\])?$/.exec(line);
    if (head) {
      const [, name, policy] = head as unknown as [string, string, string];
      const builtin = BUILTIN_HOOKS[current.name]?.[name];
      const base =
        builtin && policy !== '-' ? { ...builtin, policy: policyOf(policy), type: current.name } : undefined;
      current.chains.set(name, { name, rules: [], lines: [], ...(base ? { base } : {}) });
      return;
    }
    const append = /^-A (\S+)(?: (.*))?$/.exec(line);
    if (!append) throw fail(`not an iptables-save line: ${line.slice(0, 80)}`, lineNo);
    const chain = current.chains.get(append[1] as string);
    if (!chain) throw fail(`rule for chain ${append[1]}, which is not declared`, lineNo);
    chain.lines.push({ line, lineNo });
  });
  if (current) throw fail(`table ${current.name} has no COMMIT`, text.split('\n').length);
  return tables;
}

function policyOf(p: string): 'accept' | 'drop' {
  return p === 'ACCEPT' ? 'accept' : 'drop';
}

function finishTable(
  t: { name: string; chains: Map<string, RawChain> },
  family: IpFamily,
  source: FirewallSource,
  fail: (reason: string, lineNo: number) => FirewallRulesetError,
): Table {
  const fam = family === 4 ? 'ip' : 'ip6';
  const chains = new Map<string, Chain>();
  for (const c of t.chains.values()) {
    const rules: Rule[] = c.lines.map(({ line, lineNo }, idx) => {
      const args = line.replace(/^-A \S+ ?/, '');
      const translated = translateRuleArgs(args, family, (name) => t.chains.has(name));
      if (translated === 'bad-quoting') throw fail('unbalanced quotes', lineNo);
      return {
        ...translated,
        ref: { source, family: fam, table: t.name, chain: c.name, handle: idx + 1, text: line },
      };
    });
    chains.set(c.name, { name: c.name, rules, ...(c.base ? { base: c.base } : {}) });
  }
  return { source, family: fam, name: t.name, chains };
}

import { FirewallRulesetError } from './firewall-ruleset-error.js';
import { translateExpressions } from './nft-expression.js';
import { isObject, type NftSetDef } from './nft-values.js';
import type { BaseChainInfo, Hook, Rule, Table } from './rule-ir.js';

/**
 * `nft -j list ruleset` into IR tables. The JSON's structure must be what libnftables writes (a
 * `nftables` array of single-key objects; chains and rules naming a listed table; jumps naming a
 * listed chain): anything else is a FirewallRulesetError. Expressions inside rules are translated
 * by nft-expression.ts, where what is not understood becomes UNKNOWN instead of an error.
 */

/** nft's named priorities (nft(8), "PRIORITY"); the listing normally gives numbers. */
const NAMED_PRIORITY: Readonly<Record<string, number>> = {
  raw: -300,
  mangle: -150,
  dstnat: -100,
  filter: 0,
  security: 50,
  srcnat: 100,
};

const INPUT_PATH_HOOKS: readonly string[] = ['ingress', 'prerouting', 'input'];

interface RawChain {
  name: string;
  base?: BaseChainInfo;
  rules: Rule[];
}

interface RawTable {
  family: string;
  name: string;
  chains: Map<string, RawChain>;
  sets: Map<string, NftSetDef>;
}

export interface NftParseOptions {
  /** `nft -a list ruleset`, for quoting rules as nft prints them. */
  listing?: string;
  /** Tables (`family name`) to leave out because another dump (iptables-nft-save) describes them. */
  skipTables?: ReadonlySet<string>;
}

const fail = (reason: string, at?: string): FirewallRulesetError =>
  new FirewallRulesetError('nftables', reason, at);

export function parseNftRuleset(json: unknown, options: NftParseOptions = {}): Table[] {
  if (!isObject(json) || !Array.isArray(json['nftables'])) throw fail('no "nftables" array at the top');
  const items = json['nftables'] as unknown[];
  const texts = options.listing ? ruleTextsFromListing(options.listing) : new Map<string, string>();
  const tables = new Map<string, RawTable>();
  // Pass 1: tables, sets, chains (rules may precede the chains they name in hand-made JSON).
  items.forEach((item, i) => {
    const [kind, body] = single(item, i);
    if (kind === 'table') {
      const t = named(body, i, ['family', 'name']);
      tables.set(`${t['family']} ${t['name']}`, {
        family: t['family'],
        name: t['name'],
        chains: new Map(),
        sets: new Map(),
      });
    }
  });
  items.forEach((item, i) => {
    const [kind, body] = single(item, i);
    if (kind === 'chain') addChain(tables, body, i);
    if (kind === 'set' || kind === 'map') addSet(tables, body, i, kind);
  });
  items.forEach((item, i) => {
    const [kind, body] = single(item, i);
    if (kind === 'rule') addRule(tables, body, i, texts);
  });
  const out: Table[] = [];
  for (const t of tables.values()) {
    if (options.skipTables?.has(`${t.family} ${t.name}`)) continue;
    checkJumps(t);
    out.push({ source: 'nftables', family: t.family, name: t.name, chains: t.chains });
  }
  return out;
}

function single(item: unknown, i: number): [string, unknown] {
  if (!isObject(item)) throw fail('an item is not an object', `nftables[${i}]`);
  const entries = Object.entries(item);
  const first = entries[0];
  if (entries.length !== 1 || !first) throw fail('an item does not have exactly one key', `nftables[${i}]`);
  return first;
}

function named<K extends string>(body: unknown, i: number, keys: readonly K[]): Record<K, string> {
  if (!isObject(body)) throw fail('not an object', `nftables[${i}]`);
  for (const k of keys) {
    if (typeof body[k] !== 'string') throw fail(`"${k}" missing or not a string`, `nftables[${i}]`);
  }
  return body as Record<K, string>;
}

function tableOf(
  tables: Map<string, RawTable>,
  body: Record<'family' | 'table', string>,
  i: number,
): RawTable {
  const t = tables.get(`${body['family']} ${body['table']}`);
  if (!t) throw fail(`names table ${body['family']} ${body['table']}, which is not listed`, `nftables[${i}]`);
  return t;
}

function addChain(tables: Map<string, RawTable>, body: unknown, i: number): void {
  const c = named(body, i, ['family', 'table', 'name']);
  const t = tableOf(tables, c, i);
  const raw = body as Record<string, unknown>;
  let base: BaseChainInfo | undefined;
  if (typeof raw['hook'] === 'string' && INPUT_PATH_HOOKS.includes(raw['hook'])) {
    const prio = raw['prio'];
    const priority =
      typeof prio === 'number' ? prio : typeof prio === 'string' ? NAMED_PRIORITY[prio] : undefined;
    if (priority === undefined) throw fail(`chain ${c['name']} has an unreadable priority`, `nftables[${i}]`);
    const policy = raw['policy'] === 'drop' ? 'drop' : 'accept';
    const dev = raw['dev'];
    const devices =
      typeof dev === 'string'
        ? [dev]
        : Array.isArray(dev)
          ? dev.filter((d) => typeof d === 'string')
          : undefined;
    const type = typeof raw['type'] === 'string' ? raw['type'] : 'filter';
    base = { hook: raw['hook'] as Hook, priority, policy, type, ...(devices ? { devices } : {}) };
  }
  t.chains.set(c['name'], { name: c['name'], rules: [], ...(base ? { base } : {}) });
}

function addSet(tables: Map<string, RawTable>, body: unknown, i: number, kind: string): void {
  const s = named(body, i, ['family', 'table', 'name']);
  const t = tableOf(tables, s, i);
  const raw = body as Record<string, unknown>;
  const elems = raw['elem'] === undefined ? [] : raw['elem'];
  if (!Array.isArray(elems))
    throw fail(`set ${s['name']} has elements that are not a list`, `nftables[${i}]`);
  const type = raw['type'];
  const def: NftSetDef = {
    name: s['name'],
    type: typeof type === 'string' || Array.isArray(type) ? (type as string | string[]) : '',
    elems,
    ...(kind === 'map' ? { map: typeof raw['map'] === 'string' ? raw['map'] : 'unknown' } : {}),
  };
  t.sets.set(def.name, def);
}

function addRule(tables: Map<string, RawTable>, body: unknown, i: number, texts: Map<string, string>): void {
  const r = named(body, i, ['family', 'table', 'chain']);
  const t = tableOf(tables, r, i);
  const chain = t.chains.get(r['chain']);
  if (!chain) throw fail(`rule names chain ${r['chain']}, which is not listed`, `nftables[${i}]`);
  const raw = body as Record<string, unknown>;
  if (!Array.isArray(raw['expr'])) throw fail('rule has no "expr" list', `nftables[${i}]`);
  const handle = typeof raw['handle'] === 'number' ? raw['handle'] : undefined;
  const text =
    (handle !== undefined ? texts.get(`${t.family} ${t.name} ${chain.name} ${handle}`) : undefined) ??
    JSON.stringify(raw['expr']);
  const translated = translateExpressions(raw['expr'], (name) => t.sets.get(name));
  chain.rules.push({
    ...translated,
    ref: {
      source: 'nftables',
      family: t.family,
      table: t.name,
      chain: chain.name,
      ...(handle === undefined ? {} : { handle }),
      text,
    },
  });
}

function checkJumps(t: RawTable): void {
  for (const chain of t.chains.values()) {
    for (const rule of chain.rules) {
      const targets =
        rule.verdict?.kind === 'vmap' ? rule.verdict.entries.map((e) => e.verdict) : [rule.verdict];
      for (const v of targets) {
        if ((v?.kind === 'jump' || v?.kind === 'goto') && !t.chains.has(v.chain)) {
          throw fail(
            `a rule jumps to chain ${v.chain}, which is not in table ${t.family} ${t.name}`,
            `${chain.name}`,
          );
        }
      }
    }
  }
}

/**
 * Rule texts by `family table chain handle` from `nft -a list ruleset`. A rule may wrap over several
 * lines (long anonymous sets); its handle comment ends the last one.
 */
export function ruleTextsFromListing(listing: string): Map<string, string> {
  const out = new Map<string, string>();
  let table: string | undefined;
  let chain: string | undefined;
  let pending: string[] = [];
  for (const raw of listing.split('\n')) {
    const line = raw.trim();
    const tableHead = /^table (\S+) (\S+) \{/.exec(line);
    if (tableHead) {
      table = `${tableHead[1]} ${tableHead[2]}`;
      chain = undefined;
      continue;
    }
    const chainHead = /^chain (\S+) \{/.exec(line);
    if (chainHead) {
      chain = chainHead[1];
      pending = [];
      continue;
    }
    if (!chain || line === '' || line === '}' || line.endsWith(';')) {
      if (line === '}') chain = undefined;
      pending = [];
      continue;
    }
    const handle = /^(.*?)\s*# handle (\d+)$/.exec(line);
    if (handle) {
      out.set(`${table} ${chain} ${handle[2]}`, [...pending, handle[1]].join(' ').replace(/\s+/g, ' '));
      pending = [];
    } else pending.push(line);
  }
  return out;
}

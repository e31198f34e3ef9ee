import { IntervalSet } from '../address/interval-set.js';
import { parseAddress, parseAddressRange, prefixInterval, type IpFamily } from '../address/ip-address.js';
import { PROTO_NUMBERS, type InterfacePattern } from './rule-ir.js';

/**
 * The right-hand sides of nft JSON matches (a value, a prefix, a range, an anonymous set, a named
 * set `@name`) turned into the value sets the evaluator compares with. Each converter answers
 * undefined for a form it does not know, and the caller makes the match UNKNOWN.
 */

export interface NftSetDef {
  name: string;
  /** `ipv4_addr`, `inet_service`, … or a list for concatenations. */
  type: string | readonly string[];
  elems: readonly unknown[];
  /** `verdict` for verdict maps; other data types for data maps. */
  map?: string;
}

export type SetLookup = (ref: string) => NftSetDef | undefined;

/** Set elements may be wrapped with their timeouts and counters: `{"elem": {"val": …}}`. */
export function unwrapElem(e: unknown): unknown {
  if (isObject(e) && 'elem' in e && isObject(e['elem']) && 'val' in e['elem']) return e['elem']['val'];
  return e;
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** The elements a right-hand side stands for, resolving named sets; undefined when unreadable. */
function elements(right: unknown, lookup: SetLookup): readonly unknown[] | undefined {
  if (typeof right === 'string' && right.startsWith('@')) {
    const def = lookup(right.slice(1));
    if (!def || def.map !== undefined) return undefined;
    return def.elems.map(unwrapElem);
  }
  if (isObject(right) && 'set' in right) {
    return Array.isArray(right['set']) ? right['set'].map(unwrapElem) : [right['set']];
  }
  return [right];
}

export function addressValues(family: IpFamily, right: unknown, lookup: SetLookup): IntervalSet | undefined {
  const elems = elements(right, lookup);
  if (!elems) return undefined;
  // One merge at the end: a named set may hold hundreds of thousands of elements.
  const spans: (readonly [bigint, bigint])[] = [];
  for (const e of elems) {
    const one = addressValue(family, e);
    if (!one) return undefined;
    spans.push(...one.intervals);
  }
  return IntervalSet.from(spans);
}

function addressValue(family: IpFamily, e: unknown): IntervalSet | undefined {
  if (typeof e === 'string') {
    const a = parseAddress(e);
    return a && a.family === family ? IntervalSet.of(a.value, a.value) : undefined;
  }
  if (!isObject(e)) return undefined;
  const prefix = e['prefix'];
  if (isObject(prefix) && typeof prefix['addr'] === 'string' && typeof prefix['len'] === 'number') {
    const a = parseAddress(prefix['addr']);
    const bits = family === 4 ? 32 : 128;
    if (!a || a.family !== family || prefix['len'] < 0 || prefix['len'] > bits) return undefined;
    return prefixInterval(family, a.value, prefix['len']);
  }
  const range = e['range'];
  if (Array.isArray(range) && typeof range[0] === 'string' && typeof range[1] === 'string') {
    const r = parseAddressRange(range[0], range[1]);
    return r && r.family === family ? r.set : undefined;
  }
  return undefined;
}

const PORT_MAX = 65535n;

/** Ports, also for the ordering operators nft writes as `tcp dport < 1024`. */
export function portValues(op: string, right: unknown, lookup: SetLookup): IntervalSet | undefined {
  if (op === '<' || op === '>' || op === '<=' || op === '>=') {
    const n = portNumber(right);
    if (n === undefined) return undefined;
    if (op === '<') return IntervalSet.of(0n, n - 1n);
    if (op === '<=') return IntervalSet.of(0n, n);
    if (op === '>') return IntervalSet.of(n + 1n, PORT_MAX);
    return IntervalSet.of(n, PORT_MAX);
  }
  const elems = elements(right, lookup);
  if (!elems) return undefined;
  const spans: [bigint, bigint][] = [];
  for (const e of elems) {
    const range = isObject(e) ? e['range'] : undefined;
    const lo = portNumber(Array.isArray(range) ? range[0] : e);
    const hi = portNumber(Array.isArray(range) ? range[1] : e);
    if (lo === undefined || hi === undefined) return undefined;
    spans.push([lo, hi]);
  }
  return IntervalSet.from(spans);
}

function portNumber(v: unknown): bigint | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= 65535 ? BigInt(n) : undefined;
}

export function protoValues(right: unknown, lookup: SetLookup): number[] | undefined {
  const elems = elements(right, lookup);
  if (!elems) return undefined;
  const out: number[] = [];
  for (const e of elems) {
    const n = typeof e === 'number' ? e : typeof e === 'string' ? PROTO_NUMBERS[e] : undefined;
    if (n === undefined) return undefined;
    out.push(n);
  }
  return out;
}

export function stringValues(right: unknown, lookup: SetLookup): string[] | undefined {
  // `ct state` with the `in` operator lists its flags as a plain array.
  const elems = Array.isArray(right) ? right : elements(right, lookup);
  if (!elems) return undefined;
  const out: string[] = [];
  for (const e of elems) {
    if (typeof e !== 'string') return undefined;
    out.push(e);
  }
  return out;
}

/** nft interface name patterns: a trailing unescaped `*` is a wildcard, `\*` a literal star. */
export function interfacePatterns(right: unknown, lookup: SetLookup): InterfacePattern[] | undefined {
  const names = stringValues(right, lookup);
  return names?.map((n) => {
    if (n.endsWith('\\*')) return { name: `${n.slice(0, -2)}*`, prefix: false };
    if (n.endsWith('*')) return { name: n.slice(0, -1), prefix: true };
    return { name: n, prefix: false };
  });
}

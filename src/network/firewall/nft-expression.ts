import type { IpFamily } from '../address/ip-address.js';
import type { Match, Verdict } from './rule-ir.js';
import {
  addressValues,
  interfacePatterns,
  isObject,
  portValues,
  protoValues,
  stringValues,
  unwrapElem,
  type SetLookup,
} from './nft-values.js';

/**
 * nft JSON rule expressions (libnftables-json(5)) into the IR. Only the expressions the input path
 * depends on are understood; every other one becomes an unknown match or statement with its JSON,
 * so the rule that holds it can only ever make a result UNKNOWN.
 */

export interface TranslatedRule {
  matches: Match[];
  unknownStatements: string[];
  verdict?: Verdict;
}

/** Statements with no effect on whether a new inbound packet is delivered. */
const IGNORED = new Set(['counter', 'log', 'comment']);

const unknown = (what: unknown): Match => ({ field: 'unknown', what: JSON.stringify(what) });

export function translateExpressions(exprs: readonly unknown[], lookup: SetLookup): TranslatedRule {
  const out: TranslatedRule = { matches: [], unknownStatements: [] };
  for (const stmt of exprs) {
    const [key, body] = isObject(stmt) ? (Object.entries(stmt)[0] ?? []) : [];
    if (key === undefined) {
      out.unknownStatements.push(JSON.stringify(stmt));
      continue;
    }
    if (IGNORED.has(key)) continue;
    if (key === 'match') {
      out.matches.push(...translateMatch(body, lookup));
      continue;
    }
    if (key === 'mangle' && isMarkMangle(body)) continue;
    if (key === 'limit' || key === 'quota' || (key === 'xt' && isObject(body) && body['type'] === 'match')) {
      out.matches.push(unknown(stmt));
      continue;
    }
    const verdict = translateVerdict(stmt, lookup);
    if (verdict) out.verdict = verdict;
    else out.unknownStatements.push(JSON.stringify(stmt));
  }
  return out;
}

/** Setting a packet or conntrack mark only matters to mark matches, which are unknown anyway. */
function isMarkMangle(body: unknown): boolean {
  if (!isObject(body) || !isObject(body['key'])) return false;
  const k = body['key'];
  const inner = isObject(k['meta']) ? k['meta'] : isObject(k['ct']) ? k['ct'] : undefined;
  return inner !== undefined && inner['key'] === 'mark';
}

export function translateVerdict(stmt: unknown, lookup: SetLookup): Verdict | undefined {
  if (!isObject(stmt)) return undefined;
  const [key, body] = Object.entries(stmt)[0] ?? [];
  switch (key) {
    case 'accept':
    case 'drop':
    case 'return':
    case 'continue':
      return { kind: key };
    case 'reject':
      return { kind: 'reject' };
    case 'jump':
    case 'goto':
      return isObject(body) && typeof body['target'] === 'string'
        ? { kind: key, chain: body['target'] }
        : undefined;
    case 'vmap':
      return translateVmap(body, lookup);
    case 'xt':
      return { kind: 'unknown', what: JSON.stringify(stmt) };
    default:
      return undefined;
  }
}

function translateVmap(body: unknown, lookup: SetLookup): Verdict {
  const bad: Verdict = { kind: 'unknown', what: JSON.stringify({ vmap: body }) };
  if (!isObject(body)) return bad;
  const data = body['data'];
  let pairs: readonly unknown[] | undefined;
  if (typeof data === 'string' && data.startsWith('@')) {
    const def = lookup(data.slice(1));
    pairs = def?.map === 'verdict' ? def.elems : undefined;
  } else if (isObject(data) && Array.isArray(data['set'])) pairs = data['set'];
  if (!pairs) return bad;
  const entries: { match: Match; verdict: Verdict }[] = [];
  for (const pair of pairs) {
    if (!Array.isArray(pair) || pair.length !== 2) return bad;
    const matches = translateMatch({ op: '==', left: body['key'], right: unwrapElem(pair[0]) }, lookup);
    const verdict = translateVerdict(pair[1], lookup);
    const match = matches.length === 1 ? matches[0] : undefined;
    if (!match || match.field === 'unknown' || !verdict) return bad;
    entries.push({ match, verdict });
  }
  return { kind: 'vmap', entries };
}

/** Usually one match; `ip protocol tcp` is two (the family it implies, and the protocol). */
function translateMatch(body: unknown, lookup: SetLookup): Match[] {
  if (!isObject(body) || typeof body['op'] !== 'string') return [unknown({ match: body })];
  const one = translateOne(body as { op: string; left: unknown; right: unknown }, lookup);
  const left = body['left'];
  const payload = isObject(left) ? left['payload'] : undefined;
  const implied = isObject(payload) && (payload['field'] === 'protocol' || payload['field'] === 'nexthdr');
  if (!implied || one.field === 'unknown') return [one];
  return [{ field: 'nfproto', family: payload['protocol'] === 'ip' ? 4 : 6, negate: false }, one];
}

function translateOne(body: { op: string; left: unknown; right: unknown }, lookup: SetLookup): Match {
  const { op, left, right } = body;
  const negate = op === '!=';
  const ordered = op === '<' || op === '>' || op === '<=' || op === '>=';
  const field = leftField(left);
  const fail = unknown({ match: body });
  if (!field || (ordered && field.kind !== 'dport')) return fail;
  if (op !== '==' && op !== '!=' && op !== 'in' && !ordered) return fail;
  switch (field.kind) {
    case 'addr': {
      const set = addressValues(field.family, right, lookup);
      return set ? { field: field.which, family: field.family, set, negate } : fail;
    }
    case 'dport': {
      const ports = portValues(op, right, lookup);
      return ports ? { field: 'dport', proto: field.proto, ports, negate } : fail;
    }
    case 'l4proto': {
      const protos = protoValues(right, lookup);
      return protos ? { field: 'l4proto', protos, negate } : fail;
    }
    case 'nfproto': {
      const names = stringValues(right, lookup);
      const fam =
        names?.length === 1 ? ({ ipv4: 4, ip: 4, ipv6: 6, ip6: 6 } as const)[names[0] as 'ipv4'] : undefined;
      return fam ? { field: 'nfproto', family: fam, negate } : fail;
    }
    case 'iif': {
      const names = interfacePatterns(right, lookup);
      return names ? { field: 'iifname', names, negate } : fail;
    }
    case 'ctstate': {
      const states = stringValues(right, lookup);
      return states ? { field: 'ctstate', states, negate } : fail;
    }
  }
}

type LeftField =
  | { kind: 'addr'; which: 'saddr' | 'daddr'; family: IpFamily }
  | { kind: 'dport'; proto: 'tcp' | 'udp' | 'any' }
  | { kind: 'l4proto' | 'nfproto' | 'iif' | 'ctstate' };

function leftField(left: unknown): LeftField | undefined {
  if (!isObject(left)) return undefined;
  const payload = left['payload'];
  if (isObject(payload)) {
    const { protocol, field } = payload;
    if ((protocol === 'ip' || protocol === 'ip6') && (field === 'saddr' || field === 'daddr')) {
      return { kind: 'addr', which: field, family: protocol === 'ip' ? 4 : 6 };
    }
    if ((protocol === 'tcp' || protocol === 'udp' || protocol === 'th') && field === 'dport') {
      return { kind: 'dport', proto: protocol === 'th' ? 'any' : protocol };
    }
    // ip protocol / ip6 nexthdr (no extension headers on the packets this models).
    if ((protocol === 'ip' && field === 'protocol') || (protocol === 'ip6' && field === 'nexthdr')) {
      return { kind: 'l4proto' };
    }
    return undefined;
  }
  const meta = left['meta'];
  if (isObject(meta)) {
    if (meta['key'] === 'l4proto') return { kind: 'l4proto' };
    if (meta['key'] === 'nfproto') return { kind: 'nfproto' };
    if (meta['key'] === 'iifname' || meta['key'] === 'iif') return { kind: 'iif' };
    return undefined;
  }
  const ct = left['ct'];
  if (isObject(ct) && ct['key'] === 'state' && ct['dir'] === undefined) return { kind: 'ctstate' };
  return undefined;
}

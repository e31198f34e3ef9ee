import { IntervalSet } from '../address/interval-set.js';
import { parseCidr, type IpFamily } from '../address/ip-address.js';
import { PROTO_NUMBERS, type L4Proto, type Match, type Verdict } from './rule-ir.js';

/**
 * The arguments of one `-A chain …` line of iptables-save into IR matches and a verdict. Known: -s,
 * -d, -i, -p, the tcp/udp/multiport/conntrack/state/comment matches and the ACCEPT/DROP/REJECT/
 * RETURN/LOG targets and user chains. Any other match, option or target is kept as UNKNOWN.
 */

export interface TranslatedArgs {
  matches: Match[];
  unknownStatements: string[];
  verdict?: Verdict;
}

/** Targets that neither end nor redirect the packet's way through the chains. */
const PASS_TARGETS = new Set([
  'LOG',
  'NFLOG',
  'ULOG',
  'MARK',
  'CONNMARK',
  'CLASSIFY',
  'TRACE',
  'TCPMSS',
  'DSCP',
  'TOS',
  'AUDIT',
]);
const KNOWN_MODULES = new Set(['tcp', 'udp', 'multiport', 'conntrack', 'state', 'comment', 'addrtype']);
const TOP_LEVEL = new Set([
  '-s',
  '--source',
  '-d',
  '--destination',
  '-i',
  '--in-interface',
  '-o',
  '--out-interface',
  '-p',
  '--protocol',
  '-m',
  '--match',
  '-j',
  '--jump',
  '-g',
  '--goto',
  '-f',
  '--fragment',
]);

/** iptables-save quotes with double quotes and escapes `"` and `\` inside them. */
export function tokenize(args: string): string[] | undefined {
  const out: string[] = [];
  let i = 0;
  while (i < args.length) {
    if (args[i] === ' ') {
      i++;
      continue;
    }
    let tok = '';
    while (i < args.length && args[i] !== ' ') {
      if (args[i] !== '"') {
        tok += args[i++];
        continue;
      }
      i++;
      while (i < args.length && args[i] !== '"') {
        if (args[i] === '\\' && i + 1 < args.length) i++;
        tok += args[i++];
      }
      if (i >= args.length) return undefined;
      i++;
    }
    out.push(tok);
  }
  return out;
}

interface State {
  tokens: string[];
  pos: number;
  family: IpFamily;
  proto?: L4Proto;
  out: TranslatedArgs;
}

export function translateRuleArgs(
  args: string,
  family: IpFamily,
  chainExists: (name: string) => boolean,
): TranslatedArgs | 'bad-quoting' {
  const tokens = tokenize(args);
  if (!tokens) return 'bad-quoting';
  const st: State = { tokens, pos: 0, family, out: { matches: [], unknownStatements: [] } };
  let module: string | undefined;
  while (st.pos < tokens.length) {
    let negate = false;
    if (tokens[st.pos] === '!') {
      negate = true;
      st.pos++;
    }
    const opt = tokens[st.pos++] ?? '';
    if (opt === '-m' || opt === '--match') {
      module = tokens[st.pos++];
      if (!module || !KNOWN_MODULES.has(module)) {
        st.out.matches.push(unknown(`-m ${module ?? ''}`));
        skipModuleOptions(st);
      }
    } else if (opt === '-j' || opt === '--jump' || opt === '-g' || opt === '--goto') {
      target(st, opt, chainExists);
    } else topOrModuleOption(st, opt, negate, module);
  }
  return st.out;
}

const unknown = (what: string): Match => ({ field: 'unknown', what });

function value(st: State): string {
  return st.tokens[st.pos++] ?? '';
}

function topOrModuleOption(st: State, opt: string, negate: boolean, module: string | undefined): void {
  const m = st.out.matches;
  switch (opt) {
    case '-s':
    case '--source':
    case '-d':
    case '--destination': {
      const text = value(st);
      const cidr = parseCidr(text);
      const field = opt === '-s' || opt === '--source' ? 'saddr' : 'daddr';
      m.push(
        cidr && cidr.family === st.family
          ? { field, family: st.family, set: cidr.set, negate }
          : unknown(`${opt} ${text}`),
      );
      return;
    }
    case '-i':
    case '--in-interface': {
      const name = value(st);
      const names = [
        name.endsWith('+') ? { name: name.slice(0, -1), prefix: true } : { name, prefix: false },
      ];
      m.push({ field: 'iifname', names, negate });
      return;
    }
    case '-p':
    case '--protocol':
      return protocol(st, value(st), negate);
    case '--dport':
    case '--destination-port':
    case '--dports':
    case '--destination-ports': {
      const text = value(st);
      const ports = portList(text);
      const proto = st.proto;
      m.push(
        ports && proto && (module === 'tcp' || module === 'udp' || module === 'multiport')
          ? { field: 'dport', proto, ports, negate }
          : unknown(`${opt} ${text}`),
      );
      return;
    }
    case '--ctstate':
    case '--state': {
      const states = value(st)
        .split(',')
        .map((s) => s.toLowerCase());
      m.push({ field: 'ctstate', states, negate });
      return;
    }
    case '--dst-type':
    case '--src-type': {
      // The modelled packet goes from a remote unicast source to a local address (docker's nat rules ask).
      const types = value(st).split(',');
      const hit = types.includes(opt === '--dst-type' ? 'LOCAL' : 'UNICAST');
      m.push({ field: 'const', value: hit !== negate });
      return;
    }
    case '--comment':
      value(st);
      return;
    case '--syn':
      // The first packet of a new TCP connection is a SYN.
      m.push(
        st.proto === 'tcp' ? { field: 'l4proto', protos: negate ? [] : [6], negate: false } : unknown(opt),
      );
      return;
    case '--tcp-flags': {
      const mask = value(st);
      const comp = value(st);
      m.push(st.proto === 'tcp' ? tcpFlags(mask, comp, negate) : unknown(`${opt} ${mask} ${comp}`));
      return;
    }
    default:
      m.push(unknown(`${negate ? '! ' : ''}${opt}`));
      // Options of known modules all take one value; those of other matches we cannot size.
      if (module && KNOWN_MODULES.has(module) && opt.startsWith('--')) st.pos += 1;
      else skipModuleOptions(st);
  }
}

/** `--tcp-flags MASK COMP` against a SYN (what `--syn` is saved as): matches or never matches. */
function tcpFlags(mask: string, comp: string, negate: boolean): Match {
  const list = (t: string): string[] =>
    t === 'NONE' ? [] : t === 'ALL' ? ['FIN', 'SYN', 'RST', 'PSH', 'ACK', 'URG'] : t.split(',');
  const seen: string[] = list(mask).filter((f) => f === 'SYN');
  const want = list(comp);
  const hit = seen.length === want.length && want.every((f) => seen.includes(f));
  return { field: 'l4proto', protos: hit !== negate ? [6] : [], negate: false };
}

function protocol(st: State, text: string, negate: boolean): void {
  if (text === 'all' || text === '0') {
    if (negate) st.out.matches.push({ field: 'l4proto', protos: [], negate: false });
    return;
  }
  const n = /^\d+$/.test(text) ? Number(text) : PROTO_NUMBERS[text];
  if (n === undefined) {
    st.out.matches.push(unknown(`-p ${text}`));
    return;
  }
  if (!negate && (n === 6 || n === 17)) st.proto = n === 6 ? 'tcp' : 'udp';
  st.out.matches.push({ field: 'l4proto', protos: [n], negate });
}

function portList(text: string): IntervalSet | undefined {
  let out = IntervalSet.EMPTY;
  for (const part of text.split(',')) {
    const [a, b] = part.split(':');
    const lo = a === '' ? 0 : Number(a);
    const hi = b === undefined ? lo : b === '' ? 65535 : Number(b);
    if (!Number.isInteger(lo) || !Number.isInteger(hi) || lo < 0 || hi > 65535) return undefined;
    out = out.union(IntervalSet.of(BigInt(Math.min(lo, hi)), BigInt(Math.max(lo, hi))));
  }
  return out;
}

/** Skips the options of a match we do not know, up to the next top-level option. */
function skipModuleOptions(st: State): void {
  while (st.pos < st.tokens.length) {
    const tok = st.tokens[st.pos] ?? '';
    const next = st.tokens[st.pos + 1] ?? '';
    if (TOP_LEVEL.has(tok) || (tok === '!' && TOP_LEVEL.has(next))) return;
    st.pos++;
  }
}

function target(st: State, opt: string, chainExists: (name: string) => boolean): void {
  const name = value(st);
  const targetOptions: string[] = [];
  while (st.pos < st.tokens.length) targetOptions.push(value(st));
  const isGoto = opt === '-g' || opt === '--goto';
  if (name === 'ACCEPT' || name === 'DROP' || name === 'RETURN') {
    st.out.verdict = { kind: name === 'ACCEPT' ? 'accept' : name === 'DROP' ? 'drop' : 'return' };
  } else if (name === 'REJECT') st.out.verdict = { kind: 'reject' };
  else if (PASS_TARGETS.has(name)) return;
  else if (chainExists(name)) st.out.verdict = { kind: isGoto ? 'goto' : 'jump', chain: name };
  else st.out.unknownStatements.push(`-j ${[name, ...targetOptions].join(' ')}`);
}

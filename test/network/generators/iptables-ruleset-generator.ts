import type { SeededRandom } from '../../../src/core/seeded-random.js';
import { HOST_ENV, pickSome, portExpr, type HostEnv } from './host-env.js';

/**
 * Random iptables-restore input: the filter table's INPUT with a random policy and user chains
 * reached by -j and -g (forward only, so no loops), sometimes mangle/raw PREROUTING rules too;
 * -s/-d with prefixes and negation, -i with `+` wildcards, --dport ports and ranges, multiport,
 * conntrack/state, --syn, REJECT/DROP/ACCEPT/RETURN/LOG. A few rules use matches the analysis
 * does not model (limit, mark). An ip6tables companion (IPv4 never sees it) is sometimes added.
 */

export interface IptablesRuleset {
  v4: string;
  v6?: string;
}

export function generateIptablesRuleset(rnd: SeededRandom, env: HostEnv = HOST_ENV): IptablesRuleset {
  const parts: string[] = [];
  if (rnd.next() < 0.2) parts.push(table('raw', 'PREROUTING', rnd, env, false));
  if (rnd.next() < 0.25) parts.push(table('mangle', rnd.pick(['PREROUTING', 'INPUT']), rnd, env, false));
  parts.push(table('filter', 'INPUT', rnd, env, true));
  const v6 =
    rnd.next() < 0.2
      ? '*filter\n:INPUT DROP [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT\nCOMMIT\n'
      : undefined;
  return { v4: parts.join(''), ...(v6 ? { v6 } : {}) };
}

const BUILTINS: Readonly<Record<string, readonly string[]>> = {
  raw: ['PREROUTING', 'OUTPUT'],
  mangle: ['PREROUTING', 'INPUT', 'FORWARD', 'OUTPUT', 'POSTROUTING'],
  filter: ['INPUT', 'FORWARD', 'OUTPUT'],
};

function table(name: string, chain: string, rnd: SeededRandom, env: HostEnv, full: boolean): string {
  const users = full ? Array.from({ length: rnd.int(4) }, (_, i) => `c${i}`) : [];
  const lines = [`*${name}`];
  for (const b of BUILTINS[name] ?? []) {
    const policy = b === chain && full && rnd.next() < 0.45 ? 'DROP' : 'ACCEPT';
    lines.push(`:${b} ${policy} [0:0]`);
  }
  for (const u of users) lines.push(`:${u} - [0:0]`);
  // raw runs before conntrack: no ct matches there; REJECT only exists in filter.
  const opts = { ct: name !== 'raw', reject: name === 'filter' };
  const count = 1 + rnd.int(full ? 6 : 2);
  for (let i = 0; i < count; i++) lines.push(`-A ${chain} ${rule(rnd, env, users, 0, opts)}`);
  users.forEach((u, i) => {
    for (let k = 0; k < 1 + rnd.int(3); k++)
      lines.push(`-A ${u} ${rule(rnd, env, users, i + 1, opts, true)}`);
  });
  lines.push('COMMIT', '');
  return lines.join('\n');
}

interface RuleOpts {
  ct: boolean;
  reject: boolean;
}

function rule(
  rnd: SeededRandom,
  env: HostEnv,
  users: readonly string[],
  from: number,
  o: RuleOpts,
  inUser = false,
): string {
  const parts: string[] = [];
  const r = rnd.next();
  const proto = r < 0.4 ? 'tcp' : r < 0.65 ? 'udp' : undefined;
  if (rnd.next() < 0.35) parts.push(`${rnd.next() < 0.25 ? '! ' : ''}-s ${rnd.pick(env.prefixes)}`);
  if (rnd.next() < 0.15) parts.push(`${rnd.next() < 0.3 ? '! ' : ''}-d ${rnd.pick(env.hostAddrs)}`);
  if (rnd.next() < 0.35) {
    const i = rnd.pick(env.ifaces);
    parts.push(rnd.pick([`-i ${i}`, `! -i ${i}`, `-i ${i.slice(0, 3)}+`]));
  }
  if (proto) {
    parts.push(`-p ${proto}`);
    const ports = proto === 'tcp' ? env.tcpPorts : env.udpPorts;
    const k = rnd.next();
    if (k < 0.45)
      parts.push(`-m ${proto} ${rnd.next() < 0.2 ? '! ' : ''}--dport ${portExpr(rnd, ports, ':')}`);
    else if (k < 0.7)
      parts.push(
        `-m multiport --dports ${Array.from({ length: 1 + rnd.int(3) }, () => portExpr(rnd, ports, ':')).join(',')}`,
      );
    else if (k < 0.8 && proto === 'tcp') parts.push('--syn');
  } else if (rnd.next() < 0.2)
    parts.push(`${rnd.next() < 0.3 ? '! ' : ''}-p ${rnd.pick(['tcp', 'udp', 'icmp'])}`);
  if (o.ct && rnd.next() < 0.3) {
    const states = rnd.pick(['NEW', 'ESTABLISHED,RELATED', 'INVALID', 'NEW,ESTABLISHED', 'RELATED']);
    parts.push(
      rnd.next() < 0.5
        ? `-m conntrack ${rnd.next() < 0.2 ? '! ' : ''}--ctstate ${states}`
        : `-m state --state ${states}`,
    );
  }
  if (rnd.next() < 0.04) parts.push(rnd.pick(['-m limit --limit 1000/sec', '-m mark --mark 0x7']));
  if (rnd.next() < 0.1) parts.push(`-m comment --comment "rule ${rnd.int(100)} note"`);
  parts.push(target(rnd, users, from, o, inUser, proto));
  return parts.join(' ');
}

function target(
  rnd: SeededRandom,
  users: readonly string[],
  from: number,
  o: RuleOpts,
  inUser: boolean,
  proto: string | undefined,
): string {
  const targets = users.slice(from);
  const r = rnd.next();
  if (r < 0.35) return '-j ACCEPT';
  if (r < 0.55) return '-j DROP';
  if (r < 0.65)
    return o.reject
      ? proto === 'tcp' && rnd.next() < 0.5
        ? '-j REJECT --reject-with tcp-reset'
        : '-j REJECT'
      : '-j DROP';
  if (r < 0.7) return '-j LOG --log-prefix "vigil "';
  if (r < 0.8 && targets.length) return `-j ${rnd.pick(targets)}`;
  if (r < 0.85 && targets.length) return `-g ${rnd.pick(targets)}`;
  if (r < 0.92 && inUser) return '-j RETURN';
  return pickSome(rnd, ['-j ACCEPT', '-j DROP'], 1, 1)[0] as string;
}

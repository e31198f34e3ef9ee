import type { SeededRandom } from '../../../src/core/seeded-random.js';
import { HOST_ENV, pickSome, portExpr, type HostEnv } from './host-env.js';

/**
 * Random nftables rulesets from a small grammar: tables of family inet/ip (and ip6, which IPv4 never
 * sees), base chains on input (and prerouting) with random priorities and policies, user chains
 * reached by jump, goto and verdict maps (always towards later chains: nft refuses loops), named
 * and anonymous sets of addresses, ports and interfaces, ranges, ct state, iifname wildcards and
 * negations. A few rules carry expressions the analysis does not model (meta mark, limit).
 */

interface TableCtx {
  rnd: SeededRandom;
  env: HostEnv;
  family: 'inet' | 'ip' | 'ip6';
  sets: { addr: string[]; port: string[]; iface: string[]; vmap: string[] };
  chains: string[];
}

export function generateNftRuleset(rnd: SeededRandom, env: HostEnv = HOST_ENV): string {
  const tables: string[] = [];
  const n = rnd.next() < 0.3 ? 2 : 1;
  for (let t = 0; t < n; t++) {
    const family = t > 0 && rnd.next() < 0.25 ? 'ip6' : rnd.pick(['inet', 'inet', 'ip'] as const);
    tables.push(table(rnd, env, family, `t${t}`));
  }
  return `${tables.join('\n')}\n`;
}

function table(rnd: SeededRandom, env: HostEnv, family: TableCtx['family'], name: string): string {
  const ctx: TableCtx = { rnd, env, family, sets: { addr: [], port: [], iface: [], vmap: [] }, chains: [] };
  const lines: string[] = [];
  const userChains = rnd.int(4);
  for (let i = 0; i < userChains; i++) ctx.chains.push(`c${i}`);
  if (family !== 'ip6') lines.push(...namedSets(ctx));
  // User chains only jump forward (c0 → c1 → …): the ruleset has no loop by construction.
  ctx.chains.forEach((c, i) => {
    const rules = Array.from({ length: 1 + rnd.int(4) }, () => rule(ctx, i + 1, false));
    lines.push(`  chain ${c} {`, ...rules.map((r) => `    ${r}`), '  }');
  });
  const bases = 1 + (rnd.next() < 0.35 ? 1 : 0);
  for (let b = 0; b < bases; b++) {
    const pre = b > 0 && rnd.next() < 0.4;
    const hook = pre ? 'prerouting' : 'input';
    const prio = pre ? -150 : rnd.pick([-10, 0, 10]);
    const policy = rnd.next() < 0.45 ? 'drop' : 'accept';
    const count = 1 + rnd.int(6);
    // A prerouting chain may not reject, nor reach a chain that does: it gets jump-free rules.
    const rules = Array.from({ length: count }, () => rule(ctx, 0, pre));
    lines.push(
      `  chain b${b} {`,
      `    type filter hook ${hook} priority ${prio}; policy ${policy};`,
      ...rules.map((r) => `    ${r}`),
      '  }',
    );
  }
  return `table ${family} ${name} {\n${lines.join('\n')}\n}`;
}

function namedSets(ctx: TableCtx): string[] {
  const { rnd, env } = ctx;
  const out: string[] = [];
  if (rnd.next() < 0.6) {
    const elems = pickSome(rnd, [...env.prefixes, ...env.ranges], 1, 4);
    ctx.sets.addr.push('aset');
    out.push(`  set aset { type ipv4_addr; flags interval; auto-merge; elements = { ${elems.join(', ')} } }`);
  }
  if (rnd.next() < 0.5) {
    const ports = [...env.tcpPorts, ...env.udpPorts];
    const elems = Array.from({ length: 1 + rnd.int(3) }, () => portExpr(rnd, ports, '-'));
    ctx.sets.port.push('pset');
    out.push(
      `  set pset { type inet_service; flags interval; auto-merge; elements = { ${elems.join(', ')} } }`,
    );
  }
  if (rnd.next() < 0.3) {
    ctx.sets.iface.push('ifs');
    out.push(`  set ifs { type ifname; elements = { "${rnd.pick(env.ifaces)}", "nope0" } }`);
  }
  if (rnd.next() < 0.3) {
    const ports = pickSome(rnd, env.tcpPorts, 1, 3);
    const verdicts = ports.map((p) => `${p} : ${rnd.pick(['accept', 'drop', 'continue'])}`);
    ctx.sets.vmap.push('vm');
    out.push(`  map vm { type inet_service : verdict; elements = { ${verdicts.join(', ')} } }`);
  }
  return out;
}

type ProtoMode = 'tcp' | 'udp' | 'any' | 'none';

/**
 * One rule: a protocol (nft refuses `udp dport … tcp dport …` in one rule), up to three other matches
 * and a verdict. `from` is the first chain index it may jump to.
 */
function rule(ctx: TableCtx, from: number, prerouting: boolean): string {
  const { rnd } = ctx;
  const r = rnd.next();
  const mode: ProtoMode = r < 0.35 ? 'tcp' : r < 0.6 ? 'udp' : r < 0.7 ? 'any' : 'none';
  const matches = Array.from({ length: rnd.next() < 0.15 ? 0 : 1 + rnd.int(2) }, () => match(ctx));
  if (mode !== 'none') matches.splice(rnd.int(matches.length + 1), 0, dport(ctx, mode));
  else if (rnd.next() < 0.3)
    matches.push(
      rnd.pick([
        'meta l4proto tcp',
        'meta l4proto udp',
        'meta l4proto { tcp, udp }',
        ctx.family === 'ip6' ? 'meta l4proto tcp' : 'ip protocol udp',
      ]),
    );
  if (rnd.next() < 0.04) matches.push(rnd.pick(['meta mark 0x00000007', 'limit rate 1000/second']));
  const tcpOk =
    mode === 'tcp' ||
    (mode === 'none' && !matches.some((m) => m.includes('l4proto') || m.includes('protocol')));
  return [...matches, verdict(ctx, from, prerouting, tcpOk)].filter((x) => x !== '').join(' ') || 'counter';
}

function match(ctx: TableCtx): string {
  const { rnd, env, family, sets } = ctx;
  const ip = family === 'ip6' ? 'ip6' : 'ip';
  const r = rnd.int(6);
  if (family === 'ip6' && r <= 1)
    return `ip6 ${r === 0 ? 'saddr' : 'daddr'} ${rnd.pick(['fd00::/8', '::/0', 'fd00:10:200::1'])}`;
  switch (r) {
    case 0: {
      const neg = rnd.next() < 0.25 ? '!= ' : '';
      if (sets.addr.length && rnd.next() < 0.3) return `${ip} saddr ${neg}@${sets.addr[0]}`;
      if (rnd.next() < 0.25) return `${ip} saddr ${neg}{ ${pickSome(rnd, env.prefixes, 1, 3).join(', ')} }`;
      return `${ip} saddr ${neg}${rnd.pick([...env.prefixes, ...env.ranges])}`;
    }
    case 1:
      return `${ip} daddr ${rnd.next() < 0.3 ? '!= ' : ''}${rnd.pick(env.hostAddrs)}`;
    case 2:
    case 3: {
      if (sets.iface.length && rnd.next() < 0.3) return `iifname @${sets.iface[0]}`;
      const i = rnd.pick(env.ifaces);
      return rnd.pick([
        `iifname "${i}"`,
        `iifname != "${i}"`,
        `iifname "${i.slice(0, 3)}*"`,
        `iif "${i}"`,
        `iifname { "${i}", "other0" }`,
      ]);
    }
    default:
      return rnd.pick([
        'ct state new',
        'ct state established,related',
        'ct state invalid',
        'ct state { new, established }',
        'ct state != established',
      ]);
  }
}

function dport(ctx: TableCtx, mode: Exclude<ProtoMode, 'none'>): string {
  const { rnd, env, sets } = ctx;
  const ports =
    mode === 'udp' ? env.udpPorts : mode === 'tcp' ? env.tcpPorts : [...env.tcpPorts, ...env.udpPorts];
  const head = mode === 'any' ? 'meta l4proto { tcp, udp } th dport' : `${mode} dport`;
  const neg = rnd.next() < 0.2 ? '!= ' : '';
  const r = rnd.next();
  if (sets.port.length && r < 0.25) return `${head} ${neg}@${sets.port[0]}`;
  if (r < 0.45)
    return `${head} ${neg}{ ${Array.from({ length: 1 + rnd.int(3) }, () => portExpr(rnd, ports, '-')).join(', ')} }`;
  if (r < 0.55) return `${head} ${rnd.pick(['<', '>=', '<='])} ${rnd.pick(ports)}`;
  return `${head} ${neg}${portExpr(rnd, ports, '-')}`;
}

function verdict(ctx: TableCtx, from: number, prerouting: boolean, tcpOk: boolean): string {
  const { rnd, chains, sets } = ctx;
  const targets = chains.slice(from);
  const r = rnd.next();
  if (r < 0.3) return 'accept';
  if (r < 0.5) return rnd.next() < 0.2 ? 'counter drop' : 'drop';
  if (r < 0.6) return prerouting ? 'drop' : 'reject';
  if (r < 0.65) return '';
  if (prerouting) return rnd.next() < 0.5 ? 'accept' : 'counter';
  if (r < 0.75 && targets.length) return `jump ${rnd.pick(targets)}`;
  if (r < 0.8 && targets.length) return `goto ${rnd.pick(targets)}`;
  if (r < 0.85 && from > 0) return 'return';
  if (r < 0.9 && sets.vmap.length && tcpOk) return `tcp dport vmap @${sets.vmap[0]}`;
  if (r < 0.95) {
    const t = targets.length ? `jump ${rnd.pick(targets)}` : 'drop';
    return rnd.pick([
      tcpOk
        ? `tcp dport vmap { ${ctx.env.tcpPorts[0]} : accept, ${ctx.env.tcpPorts[2]} : drop, ${ctx.env.tcpPorts[4]} : ${t} }`
        : 'accept',
      'ct state vmap { established : accept, related : accept, new : continue }',
      ctx.family === 'ip6'
        ? 'drop'
        : `ip saddr vmap { 10.200.9.0/24 : accept, 10.200.1.0/25 : drop, 10.200.2.0/24 : ${t} }`,
    ]);
  }
  return 'accept';
}

import type { SeededRandom } from '../../../src/core/seeded-random.js';

/**
 * The host of the firewall lab as the rule generators see it: its listening ports, its addresses, its
 * interfaces, and address blocks around the scanning sources (some contain them, some do not), so
 * random rules split the source classes in many ways.
 */
export interface HostEnv {
  tcpPorts: readonly number[];
  udpPorts: readonly number[];
  hostAddrs: readonly string[];
  ifaces: readonly string[];
  prefixes: readonly string[];
  ranges: readonly string[];
}

export const HOST_ENV: HostEnv = {
  tcpPorts: [22, 80, 443, 3306, 8080, 9000],
  udpPorts: [53, 123, 161, 5353],
  hostAddrs: ['10.200.1.1', '10.200.2.1'],
  ifaces: ['wan0', 'lan0'],
  prefixes: [
    '10.200.0.0/16',
    '10.200.1.0/24',
    '10.200.1.0/25',
    '10.200.1.128/25',
    '10.200.1.2',
    '10.200.9.0/24',
    '10.200.9.9',
    '10.200.9.8/30',
    '10.200.2.0/24',
    '10.200.2.2',
    '10.200.2.128/25',
    '10.0.0.0/8',
    '192.168.0.0/16',
    '172.16.0.0/12',
  ],
  ranges: [
    '10.200.1.1-10.200.1.100',
    '10.200.9.0-10.200.9.8',
    '10.200.2.2-10.200.2.9',
    '10.200.1.150-10.200.1.250',
  ],
};

export function pickSome<T>(rnd: SeededRandom, items: readonly T[], min: number, max: number): T[] {
  const n = min + rnd.int(max - min + 1);
  return rnd.shuffle(items).slice(0, Math.min(n, items.length));
}

/** A port, a range around one of the listening ports, or a range that misses them. */
export function portExpr(rnd: SeededRandom, ports: readonly number[], sep: '-' | ':'): string {
  const p = rnd.pick(ports);
  const r = rnd.next();
  if (r < 0.55) return String(p);
  if (r < 0.8) {
    const lo = Math.max(1, p - rnd.int(50));
    return `${lo}${sep}${Math.max(lo + 1, p + rnd.int(50))}`;
  }
  if (r < 0.9) return `${p + 1}${sep}${p + 2 + rnd.int(30)}`;
  return `1${sep}${1 + rnd.int(10000)}`;
}

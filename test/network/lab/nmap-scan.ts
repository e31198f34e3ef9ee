import type { NetnsLab } from './netns-lab.js';

/**
 * nmap (Debian) from inside a namespace as the oracle of what is open: TCP SYN or connect scans and
 * UDP scans of the listed ports only, with timeouts sized for veth links (microsecond round trips).
 */

export interface ScanOptions {
  /** Careful mode: long timeouts and more retries, to confirm a port that looked closed under load. */
  careful?: boolean;
  tcp: readonly number[];
  udp: readonly number[];
  /** SYN scan (raw packets, any source address of the namespace) or connect scan (the kernel's). */
  tcpMode: 'syn' | 'connect';
  /** Source address to send from (SYN and UDP scans); needs `iface`. */
  source?: string;
  iface?: string;
  /** Scan an IPv6 target. */
  ipv6?: boolean;
  /** Fixed source port: a new conntrack tuple for each ruleset, whatever the previous one left. */
  sourcePort?: number;
}

export type PortStates = Map<string, string>;

/** `tcp/22` → `open`, `closed`, `filtered`, `open|filtered`, … */
export async function nmapScan(
  lab: NetnsLab,
  ns: string,
  target: string,
  o: ScanOptions,
): Promise<PortStates> {
  const ports = [
    ...(o.tcp.length ? [`T:${o.tcp.join(',')}`] : []),
    ...(o.udp.length ? [`U:${o.udp.join(',')}`] : []),
  ];
  // Fast mode: veth round trips are microseconds, and a high minimum rate keeps filtered ports from
  // costing seconds each. Careful mode is for re-checking a port that did not answer in fast mode.
  const timing = o.careful
    ? ['--max-retries', '4', '--initial-rtt-timeout', '1s', '--max-rtt-timeout', '3s']
    : [
        '--max-retries',
        '1',
        '--initial-rtt-timeout',
        '100ms',
        '--max-rtt-timeout',
        '300ms',
        '--min-rate',
        '2000',
      ];
  const args = [
    '-n',
    '-Pn',
    ...timing,
    '--host-timeout',
    '120s',
    '-oX',
    '-',
    ...(o.tcp.length ? [o.tcpMode === 'syn' ? '-sS' : '-sT'] : []),
    ...(o.udp.length ? ['-sU'] : []),
    '-p',
    ports.join(','),
    ...(o.source ? ['-S', o.source] : []),
    ...(o.iface ? ['-e', o.iface] : []),
    ...(o.sourcePort ? ['-g', String(o.sourcePort)] : []),
    ...(o.ipv6 ? ['-6'] : []),
    target,
  ];
  const xml = await lab.exec(ns, 'nmap', args, undefined, 180_000);
  return parseNmapXml(xml);
}

export function parseNmapXml(xml: string): PortStates {
  const out: PortStates = new Map();
  for (const m of xml.matchAll(/<port protocol="(tcp|udp)" portid="(\d+)"><state state="([^"]+)"/g)) {
    out.set(`${m[1]}/${m[2]}`, m[3] as string);
  }
  if (!/<runstats>/.test(xml)) throw new Error(`nmap did not finish:\n${xml.slice(-500)}`);
  return out;
}

import { join } from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { NetworkFacts } from '../../../src/network/network-facts.js';
import type { SourceClass } from '../../../src/network/host/source-classes.js';
import { HOST_ENV } from '../generators/host-env.js';
import { NetnsLab, waitForLine } from './netns-lab.js';
import { nmapScan, type PortStates } from './nmap-scan.js';

/**
 * One host-firewall lab: namespaces "internet", "lan" and "host" joined by veth.
 *   internet eth0 10.200.1.2/24 (+ 10.200.9.9/32, a source the host reaches through its default route)
 *   host wan0 10.200.1.1/24, lan0 10.200.2.1/24, default via 10.200.1.2
 *   lan eth0 10.200.2.2/24
 * The host runs real listeners (TCP, UDP that answers, a dual-stack IPv6 socket, one bound to the LAN
 * address only) and the real collector in a loop; rulesets are swapped with nft -f / *-restore.
 */

const TESTDATA = join(import.meta.dirname, '..', 'testdata');

export const INTERNET_SOURCES = ['10.200.1.2', '10.200.9.9'] as const;
export const LAN_SOURCE = '10.200.2.2';

/** The analysis is told which addresses stand for the internet: the ones nmap scans from. */
export const LAB_SOURCE_CLASSES: SourceClass[] = [
  { id: 'INTERNET', kind: 'INTERNET', cidrs: INTERNET_SOURCES.map((a) => `${a}/32`) },
  { id: 'LAN', kind: 'PRIVATE_NETWORK', cidrs: [`${LAN_SOURCE}/32`] },
];

const LISTENERS = [
  ...[22, 80, 443, 3306].map((port) => ({ proto: 'tcp', host: '0.0.0.0', port })),
  { proto: 'tcp', host: '::', port: 8080, ipv6Only: false },
  { proto: 'tcp', host: '10.200.2.1', port: 9000 },
  ...[53, 123, 161].map((port) => ({ proto: 'udp', host: '0.0.0.0', port })),
  { proto: 'udp', host: '::', port: 5353, ipv6Only: false },
];

export const LISTENER_COUNT = LISTENERS.length;

const LEGACY_RESET = ['raw', 'mangle', 'filter']
  .map(
    (t) =>
      `*${t}\n${t === 'raw' ? ':PREROUTING ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]' : t === 'mangle' ? ':PREROUTING ACCEPT [0:0]\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n:POSTROUTING ACCEPT [0:0]' : ':INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]'}\nCOMMIT\n`,
  )
  .join('');

export interface LoadSpec {
  nft?: string;
  iptablesLegacy?: { v4: string; v6?: string };
  iptablesNft?: { v4: string; v6?: string };
}

export class HostFirewallLab {
  readonly lab: NetnsLab;
  inet = '';
  lan = '';
  host = '';
  private collector: ChildProcess | undefined;
  private pending: ((line: string) => void)[] = [];
  private buffer = '';
  private legacyLoaded = false;

  constructor(tag: string) {
    this.lab = new NetnsLab(tag);
  }

  async start(): Promise<void> {
    const l = this.lab;
    [this.inet, this.lan, this.host] = await Promise.all([
      l.addNamespace('i'),
      l.addNamespace('l'),
      l.addNamespace('h'),
    ]);
    await l.link(this.host, 'wan0', this.inet, 'eth0');
    await l.link(this.host, 'lan0', this.lan, 'eth0');
    await l.exec(this.host, 'ip', ['addr', 'add', '10.200.1.1/24', 'dev', 'wan0']);
    await l.exec(this.host, 'ip', ['addr', 'add', '10.200.2.1/24', 'dev', 'lan0']);
    await l.exec(this.host, 'ip', ['route', 'add', 'default', 'via', '10.200.1.2', 'dev', 'wan0']);
    await l.exec(this.inet, 'ip', ['addr', 'add', '10.200.1.2/24', 'dev', 'eth0']);
    await l.exec(this.inet, 'ip', ['addr', 'add', '10.200.9.9/32', 'dev', 'eth0']);
    await l.exec(this.lan, 'ip', ['addr', 'add', '10.200.2.2/24', 'dev', 'eth0']);
    const listeners = l.spawn(this.host, process.execPath, [
      join(TESTDATA, 'listeners.mjs'),
      JSON.stringify(LISTENERS),
    ]);
    await waitForLine(listeners, (x) => x === 'ready');
    this.collector = l.spawn(this.host, process.execPath, [join(TESTDATA, 'collect-loop.mjs')]);
    await waitForLine(this.collector, (x) => x === 'ready');
    this.collector.stdout?.on('data', (d: Buffer) => this.onData(d));
  }

  private onData(d: Buffer): void {
    this.buffer += d.toString();
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      this.pending.shift()?.(line);
    }
  }

  /** Replaces whatever firewall the host had with the given rulesets. */
  async load(spec: LoadSpec): Promise<void> {
    const { lab, host } = this;
    await lab.exec(host, 'nft', ['flush', 'ruleset']);
    // Legacy tables live apart from nftables: empty them only when the last ruleset used them.
    if (this.legacyLoaded) {
      await lab.exec(host, 'iptables-legacy-restore', [], LEGACY_RESET);
      await lab.exec(host, 'ip6tables-legacy-restore', [], LEGACY_RESET);
    }
    this.legacyLoaded = spec.iptablesLegacy !== undefined;
    if (spec.nft) await lab.exec(host, 'nft', ['-f', '-'], spec.nft);
    for (const [flavour, dump] of [
      ['legacy', spec.iptablesLegacy],
      ['nft', spec.iptablesNft],
    ] as const) {
      if (!dump) continue;
      await lab.exec(host, `iptables-${flavour}-restore`, [], dump.v4);
      if (dump.v6) await lab.exec(host, `ip6tables-${flavour}-restore`, [], dump.v6);
    }
  }

  /** The real collector's facts, from inside the host namespace. */
  collect(): Promise<NetworkFacts> {
    return new Promise((resolve, reject) => {
      this.pending.push((line) => {
        try {
          resolve(JSON.parse(line) as NetworkFacts);
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      this.collector?.stdin?.write('collect\n');
    });
  }

  /**
   * nmap SYN + UDP scans from both internet sources and from the LAN. SYN scans see exactly what the
   * analysis models, the first packet of a new connection; a connect scan would add a race between
   * its poll and a reset some rulesets send to the handshake's last ACK.
   */
  async scan(
    sourcePort: number,
    only?: { tcp: number[]; udp: number[] },
    careful = false,
  ): Promise<{ internet: PortStates[]; lan: PortStates }> {
    const ports = { ...(only ?? { tcp: HOST_ENV.tcpPorts, udp: HOST_ENV.udpPorts }), careful };
    const [a, b, lan] = await Promise.all([
      ...INTERNET_SOURCES.map((source, i) =>
        nmapScan(this.lab, this.inet, '10.200.1.1', {
          ...ports,
          tcpMode: 'syn',
          source,
          iface: 'eth0',
          sourcePort: sourcePort + i,
        }),
      ),
      nmapScan(this.lab, this.lan, '10.200.2.1', { ...ports, tcpMode: 'syn', sourcePort }),
    ]);
    return { internet: [a, b as PortStates], lan: lan as PortStates };
  }

  cleanup(): Promise<void> {
    return this.lab.cleanup();
  }
}

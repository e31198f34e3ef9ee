import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NetworkFacts } from '../../src/network/network-facts.js';
import { readNetworkFacts } from '../../src/network/network-facts-reader.js';
import { NetnsLab, requireNetworkTools, waitForLine } from './lab/netns-lab.js';

/**
 * The collectors inside a namespace, against `ss -lntup` run in the same namespace: the same listening
 * sockets with the same owning processes (socat, a forking socat, node), IPv6-only and dual-stack
 * sockets told apart; and the firewall facts of what the namespace really has loaded.
 */

const COLLECT_MAIN = join(import.meta.dirname, '..', '..', 'dist', 'network', 'collect', 'collect-main.js');
const LISTENERS = join(import.meta.dirname, 'testdata', 'listeners.mjs');

describe('network facts collected inside a namespace', () => {
  const lab = new NetnsLab('k');
  let ns = '';

  beforeAll(async () => {
    requireNetworkTools(['ip', 'ss', 'nft', 'socat', 'iptables-legacy-restore']);
    ns = await lab.addNamespace('h');
    const peer = await lab.addNamespace('p');
    await lab.link(ns, 'wan0', peer, 'eth0');
    await lab.exec(ns, 'ip', ['addr', 'add', '10.200.7.1/24', 'dev', 'wan0']);
    await lab.exec(ns, 'ip', ['route', 'add', 'default', 'via', '10.200.7.2']);
    lab.spawn(ns, 'socat', ['TCP4-LISTEN:2222,reuseaddr,fork', 'EXEC:/bin/cat']);
    lab.spawn(ns, 'socat', ['TCP6-LISTEN:8443,ipv6only=1', 'EXEC:/bin/cat']);
    lab.spawn(ns, 'socat', ['UDP4-RECVFROM:5353,bind=10.200.7.1,fork', 'EXEC:/bin/cat']);
    lab.spawn(ns, 'socat', ['TCP4-LISTEN:6000,bind=127.0.0.1', 'EXEC:/bin/cat']);
    const node = lab.spawn(ns, process.execPath, [
      LISTENERS,
      JSON.stringify([
        { proto: 'tcp', host: '::', port: 8080, ipv6Only: false },
        { proto: 'udp', host: '0.0.0.0', port: 1053 },
      ]),
    ]);
    await waitForLine(node, (x) => x === 'ready');
    // socat binds asynchronously: wait until ss sees all five of its sockets.
    for (let i = 0; i < 100 && (await lab.exec(ns, 'ss', ['-H', '-lntu'])).trim().split('\n').length < 6; i++)
      await new Promise((r) => setTimeout(r, 50));
  });

  afterAll(() => lab.cleanup());

  const collect = async (): Promise<NetworkFacts> =>
    readNetworkFacts(await lab.exec(ns, process.execPath, [COLLECT_MAIN, '--instance-id', 'i-0123abcd']));

  it('finds the sockets and owners ss -lntup finds', async () => {
    const facts = await collect();
    const ss = await lab.exec(ns, 'ss', ['-H', '-lntup']);
    const fromSs = ss
      .trim()
      .split('\n')
      .flatMap((line) => {
        const f = line.trim().split(/\s+/);
        const local = f[4] ?? '';
        const port = local.slice(local.lastIndexOf(':') + 1);
        const addr = local
          .slice(0, local.lastIndexOf(':'))
          .replace(/^\[(.*)\]$/, '$1')
          .replace(/%.*$/, '');
        const owners = [...line.matchAll(/\("([^"]+)",pid=(\d+)/g)].map((m) => `${m[1]}/${m[2]}`).sort();
        return [`${f[0]} ${addr} ${port} ${owners.join(',')}`];
      });
    const fromFacts = facts.sockets.map((s) => {
      const addr = s.family === 6 && s.address === '::' ? (s.v6Only === false ? '*' : '::') : s.address;
      const owners = s.owners.map((o) => `${o.comm}/${o.pid}`).sort();
      return `${s.protocol.toLowerCase()} ${addr} ${s.port} ${owners.join(',')}`;
    });
    expect(fromFacts.sort()).toEqual(fromSs.sort());
    expect(fromFacts.length).toBe(6);
    expect(facts.sockets.find((s) => s.port === 8443)).toMatchObject({ family: 6, v6Only: true });
    expect(facts.sockets.find((s) => s.port === 8080)).toMatchObject({ family: 6, v6Only: false });
    expect(facts.sockets.every((s) => s.netnsInode === facts.netnsInode)).toBe(true);
    const inode = (await lab.exec(ns, 'readlink', ['/proc/self/ns/net'])).trim();
    expect(inode).toBe(`net:[${facts.netnsInode}]`);
    expect(facts.cloud).toEqual({ provider: 'aws', instanceId: 'i-0123abcd' });
    expect(facts.interfaces.find((i) => i.name === 'wan0')?.addresses).toContainEqual({
      family: 4,
      address: '10.200.7.1',
      prefixLength: 24,
    });
    expect(facts.routes).toContainEqual({
      family: 4,
      destination: 'default',
      device: 'wan0',
      gateway: '10.200.7.2',
    });
  });

  it('reports no firewall, then the nft ruleset and the legacy iptables dump actually loaded', async () => {
    await lab.exec(ns, 'nft', ['flush', 'ruleset']);
    const before = await collect();
    expect(before.firewall.active).toBe(false);
    expect(before.notes.map((n) => n.code)).toContain('NO_FIREWALL');
    await lab.exec(
      ns,
      'nft',
      ['-f', '-'],
      'table inet filter {\n  chain input {\n    type filter hook input priority 0; policy drop;\n    tcp dport 2222 accept\n  }\n}\n',
    );
    await lab.exec(
      ns,
      'iptables-legacy-restore',
      [],
      '*filter\n:INPUT ACCEPT [0:0]\n:FORWARD ACCEPT [0:0]\n:OUTPUT ACCEPT [0:0]\n-A INPUT -p udp -m udp --dport 5353 -j DROP\nCOMMIT\n',
    );
    const after = await collect();
    expect(after.firewall.active).toBe(true);
    expect(after.firewall.iptables.map((d) => `${d.family} ${d.flavour}`)).toContain('4 legacy');
    expect(after.firewall.iptables.find((d) => d.flavour === 'legacy')?.text).toContain(
      '-A INPUT -p udp -m udp --dport 5353 -j DROP',
    );
    expect(after.firewall.nftables?.listing).toContain('tcp dport 2222 accept # handle');
  });
});

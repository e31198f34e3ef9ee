import { join } from 'node:path';
import type { NetworkFacts } from '../../../src/network/network-facts.js';
import {
  CLIENT_PORT,
  CLIENT_V4,
  CLIENT_V6,
  type LaidOutInstance,
  type Topology,
} from '../generators/aws-topology-generator.js';
import { compileNacl, compileRoutes, compileSecurityGroups } from './cloud-topology-compiler.js';
import { NetnsLab, waitForLine } from './netns-lab.js';
import { nmapScan, type PortStates } from './nmap-scan.js';

/**
 * A generated AWS topology as namespaces: "internet" (the client), an internet gateway router that
 * maps public IPv4 addresses to private ones (DNAT, conntrack reverses it) and routes IPv6, one router
 * per subnet applying its network ACL and route table, and one namespace per instance with its
 * security groups, real listeners and the real collector.
 */

const TESTDATA = join(import.meta.dirname, '..', 'testdata');
const COLLECT_MAIN = join(
  import.meta.dirname,
  '..',
  '..',
  '..',
  'dist',
  'network',
  'collect',
  'collect-main.js',
);

export class CloudTopologyLab {
  readonly lab: NetnsLab;
  private net = '';
  private readonly instanceNs = new Map<string, string>();

  constructor(
    tag: string,
    private readonly topology: Topology,
  ) {
    this.lab = new NetnsLab(tag);
  }

  private batch(ns: string, lines: readonly string[]): Promise<string> {
    return this.lab.exec(ns, 'ip', ['-batch', '-'], `${lines.join('\n')}\n`);
  }

  private forward(ns: string): Promise<string> {
    return this.lab.exec(ns, 'sysctl', [
      '-q',
      '-w',
      'net.ipv4.ip_forward=1',
      'net.ipv6.conf.all.forwarding=1',
    ]);
  }

  async start(): Promise<void> {
    const t = this.topology;
    const l = this.lab;
    this.net = await l.addNamespace('n');
    const igw = await l.addNamespace('g');
    await l.link(this.net, 'eth0', igw, 'ext0');
    await this.batch(this.net, [
      `addr add ${CLIENT_V4}/24 dev eth0`,
      `addr add ${CLIENT_V6}/64 dev eth0 nodad`,
      'route add 10.200.200.0/24 via 10.200.250.1',
      'route add fd00:10:200::/48 via fd00:10:200:fa::1',
    ]);
    const igwLines = ['addr add 10.200.250.1/24 dev ext0', 'addr add fd00:10:200:fa::1/64 dev ext0 nodad'];
    await this.forward(igw);
    for (const s of t.subnets) {
      const r = await l.addNamespace(`r${s.index}`);
      await l.link(igw, `s${s.index}`, r, 'eth0');
      igwLines.push(
        `addr add 10.200.${240 + s.index}.1/24 dev s${s.index}`,
        `addr add fd00:10:200:f${s.index}::1/64 dev s${s.index} nodad`,
      );
      // An internet gateway that is not attached to the VPC forwards nothing into it.
      if (t.igwAttached)
        igwLines.push(
          `route add 10.200.${s.index}.0/24 via 10.200.${240 + s.index}.2`,
          `route add fd00:10:200:${s.index}::/64 via fd00:10:200:f${s.index}::2`,
        );
      await this.startSubnet(r, s.index, s.id);
    }
    await this.batch(igw, igwLines);
    const nat = t.instances
      .filter((i) => i.publicIp)
      .map((i) => `    ip daddr ${i.publicIp} dnat to ${i.privateIp}`);
    if (t.igwAttached && nat.length) {
      await l.exec(
        igw,
        'nft',
        ['-f', '-'],
        `table ip igw {\n  chain pre {\n    type nat hook prerouting priority -100; policy accept;\n${nat.join('\n')}\n  }\n}\n`,
      );
    }
  }

  private async startSubnet(router: string, k: number, subnetId: string): Promise<void> {
    const t = this.topology;
    const l = this.lab;
    await this.forward(router);
    await this.batch(router, [
      'link add br0 type bridge',
      'link set br0 up',
      `addr add 10.200.${240 + k}.2/24 dev eth0`,
      `addr add fd00:10:200:f${k}::2/64 dev eth0 nodad`,
      `addr add 10.200.${k}.1/24 dev br0`,
      `addr add fd00:10:200:${k}::1/64 dev br0 nodad`,
      ...compileRoutes(t, subnetId, `10.200.${240 + k}.1`, `fd00:10:200:f${k}::1`),
    ]);
    const acl = t.describe.networkAcls.NetworkAcls.find((a) =>
      a.Associations.some((x) => x.SubnetId === subnetId),
    );
    if (acl) await l.exec(router, 'nft', ['-f', '-'], compileNacl(acl));
    for (const inst of t.instances.filter((i) => i.subnet === k)) {
      const ns = await l.addNamespace(`i${inst.instanceId.slice(-2)}`);
      this.instanceNs.set(inst.instanceId, ns);
      const port = `p${inst.instanceId.slice(-2)}`;
      await l.link(router, port, ns, 'eth0');
      await this.batch(router, [`link set ${port} master br0`]);
      const v6 = inst.ipv6
        ? [`addr add ${inst.ipv6}/64 dev eth0 nodad`, `route add default via fd00:10:200:${k}::1`]
        : [];
      await this.batch(ns, [
        `addr add ${inst.privateIp}/24 dev eth0`,
        `route add default via 10.200.${k}.1`,
        ...v6,
      ]);
      const eni = t.describe.networkInterfaces.NetworkInterfaces.find(
        (n) => n.NetworkInterfaceId === inst.eniId,
      );
      const groups = t.describe.securityGroups.SecurityGroups.filter((g) =>
        eni?.Groups.some((x) => x.GroupId === g.GroupId),
      );
      await l.exec(ns, 'nft', ['-f', '-'], compileSecurityGroups(t, groups));
      const specs = [
        ...inst.tcp.map((p) => ({ proto: 'tcp', host: '::', port: p, ipv6Only: false })),
        ...inst.udp.map((p) => ({ proto: 'udp', host: '::', port: p, ipv6Only: false })),
      ];
      const listeners = l.spawn(ns, process.execPath, [
        join(TESTDATA, 'listeners.mjs'),
        JSON.stringify(specs),
      ]);
      await waitForLine(listeners, (x) => x === 'ready');
    }
  }

  /** The real collector run inside the instance's namespace, told its instance id. */
  async facts(inst: LaidOutInstance): Promise<NetworkFacts> {
    const out = await this.lab.exec(this.instanceNs.get(inst.instanceId) as string, process.execPath, [
      COLLECT_MAIN,
      '--instance-id',
      inst.instanceId,
    ]);
    return JSON.parse(out) as NetworkFacts;
  }

  /** nmap from the internet namespace to the instance's public IPv4 or IPv6 address, replies to port 40000. */
  scan(target: string, family: 4 | 6, tcp: number[], udp: number[], careful = false): Promise<PortStates> {
    return nmapScan(this.lab, this.net, target, {
      tcp,
      udp,
      careful,
      tcpMode: 'syn',
      sourcePort: CLIENT_PORT,
      ...(family === 6 ? { ipv6: true } : {}),
    });
  }

  cleanup(): Promise<void> {
    return this.lab.cleanup();
  }
}

import { NETWORK_FACTS_SCHEMA, NETWORK_FACTS_VERSION, type NetworkFacts } from '../network-facts.js';

/** Hand-made network facts for unit tests: two interfaces, their routes, and sockets on 0.0.0.0. */
export function labFacts(
  overrides: Partial<NetworkFacts> = {},
  tcp: number[] = [],
  udp: number[] = [],
): NetworkFacts {
  const socket = (protocol: 'TCP' | 'UDP', port: number, i: number): NetworkFacts['sockets'][number] => ({
    protocol,
    family: 4,
    address: '0.0.0.0',
    port,
    inode: 1000 + i,
    owners: [{ pid: 100 + i, comm: 'server', exe: '/usr/sbin/server' }],
  });
  return {
    schema: NETWORK_FACTS_SCHEMA,
    version: NETWORK_FACTS_VERSION,
    collectedAt: '2026-01-01T00:00:00.000Z',
    sockets: [...tcp.map((p, i) => socket('TCP', p, i)), ...udp.map((p, i) => socket('UDP', p, 100 + i))],
    firewall: { iptables: [], generatedBy: [], active: true },
    interfaces: [
      { name: 'lo', index: 1, up: true, addresses: [{ family: 4, address: '127.0.0.1', prefixLength: 8 }] },
      {
        name: 'wan0',
        index: 2,
        up: true,
        addresses: [{ family: 4, address: '10.200.9.1', prefixLength: 24 }],
      },
      {
        name: 'lan0',
        index: 3,
        up: true,
        addresses: [{ family: 4, address: '10.200.1.1', prefixLength: 24 }],
      },
    ],
    routes: [
      { family: 4, destination: 'default', device: 'wan0', gateway: '10.200.9.254' },
      { family: 4, destination: '10.200.9.0/24', device: 'wan0' },
      { family: 4, destination: '10.200.1.0/24', device: 'lan0' },
    ],
    notes: [],
    ...overrides,
  };
}

import { arr, bool, int, obj, oneOf, str, unknownValue, type Check } from './json-shape.js';

/**
 * The network facts of one host, as the agent collects them in its own network namespace and sends
 * them in its check-in: listening sockets with their owners, the firewall as its tools print it,
 * interfaces, routes, and what could not be collected (`notes`). JSON-serializable and versioned:
 * a reader refuses a `version` it does not know instead of guessing.
 */
export const NETWORK_FACTS_SCHEMA = 'vigil.network-facts';
export const NETWORK_FACTS_VERSION = 1;

export type IpFamilyNumber = 4 | 6;

export interface SocketOwner {
  pid: number;
  comm: string;
  exe?: string;
  /** The systemd unit from the process's cgroup, when it runs in one. */
  unit?: string;
}

export interface ListeningSocket {
  protocol: 'TCP' | 'UDP';
  family: IpFamilyNumber;
  /** The bound address as the kernel shows it (`0.0.0.0`, `::`, `10.0.0.5`, `::ffff:10.0.0.5`). */
  address: string;
  port: number;
  inode: number;
  /** The network namespace the socket lives in (inode of /proc/self/ns/net when collected). */
  netnsInode?: number;
  /** IPv6 sockets only: true when IPV6_V6ONLY is set; absent when it could not be learned. */
  v6Only?: boolean;
  /** Every process holding the socket open (a forking server shares it). Empty when none is visible. */
  owners: SocketOwner[];
}

export interface IptablesDump {
  family: IpFamilyNumber;
  flavour: 'legacy' | 'nf_tables';
  /** The output of `iptables-save`/`ip6tables-save` of that flavour, unchanged. */
  text: string;
}

export interface FirewallFacts {
  /** `nft -j list ruleset` parsed, and `nft -a list ruleset` for quoting rules as people write them. */
  nftables?: { ruleset: unknown; listing?: string };
  iptables: IptablesDump[];
  /** Front ends recognized by the rules they generate (ufw chains, firewalld tables). */
  generatedBy: ('ufw' | 'firewalld')[];
  /** False when no rule and no drop policy exists on the input path: "no firewall active". */
  active: boolean;
}

export interface NetworkInterface {
  name: string;
  index: number;
  up: boolean;
  addresses: { family: IpFamilyNumber; address: string; prefixLength: number }[];
}

export interface RouteFact {
  family: IpFamilyNumber;
  /** `default` or a CIDR. */
  destination: string;
  device?: string;
  gateway?: string;
  /** unicast (absent), blackhole, unreachable, prohibit, … as `ip route` says. */
  type?: string;
}

export interface CollectionNote {
  /** What was being collected: `nft`, `iptables-legacy-save`, `/proc/net/tcp`, `ip addr`, … */
  source: string;
  code: 'TOOL_MISSING' | 'TOOL_FAILED' | 'TIMEOUT' | 'OUTPUT_TOO_LARGE' | 'UNREADABLE' | 'NO_FIREWALL';
  message: string;
}

export interface NetworkFacts {
  schema: typeof NETWORK_FACTS_SCHEMA;
  version: typeof NETWORK_FACTS_VERSION;
  collectedAt: string;
  netnsInode?: number;
  /** Set when the agent is told its cloud identity (flag or file); never from a metadata service. */
  cloud?: { provider: 'aws'; instanceId: string };
  sockets: ListeningSocket[];
  firewall: FirewallFacts;
  interfaces: NetworkInterface[];
  routes: RouteFact[];
  notes: CollectionNote[];
}

const family = oneOf(4, 6);
const closed = (req: Record<string, Check>, opt: Record<string, Check> = {}): Check => obj(req, opt, true);

/** The checks `NetworkFacts` must pass (network-facts-reader.ts runs them). */
export const NETWORK_FACTS_SHAPE: Check = closed(
  {
    schema: oneOf(NETWORK_FACTS_SCHEMA),
    version: oneOf(NETWORK_FACTS_VERSION),
    collectedAt: str(),
    sockets: arr(
      closed(
        {
          protocol: oneOf('TCP', 'UDP'),
          family,
          address: str(),
          port: int(0, 65535),
          inode: int(0),
          owners: arr(closed({ pid: int(1), comm: str() }, { exe: str(), unit: str() })),
        },
        { netnsInode: int(0), v6Only: bool },
      ),
    ),
    firewall: closed(
      {
        iptables: arr(closed({ family, flavour: oneOf('legacy', 'nf_tables'), text: str() })),
        generatedBy: arr(oneOf('ufw', 'firewalld')),
        active: bool,
      },
      { nftables: closed({ ruleset: unknownValue }, { listing: str() }) },
    ),
    interfaces: arr(
      closed({
        name: str(),
        index: int(),
        up: bool,
        addresses: arr(closed({ family, address: str(), prefixLength: int(0, 128) })),
      }),
    ),
    routes: arr(closed({ family, destination: str() }, { device: str(), gateway: str(), type: str() })),
    notes: arr(
      closed({
        source: str(),
        code: oneOf(
          'TOOL_MISSING',
          'TOOL_FAILED',
          'TIMEOUT',
          'OUTPUT_TOO_LARGE',
          'UNREADABLE',
          'NO_FIREWALL',
        ),
        message: str(),
      }),
    ),
  },
  { netnsInode: int(0), cloud: closed({ provider: oneOf('aws'), instanceId: str(/^i-[0-9a-f]+$/) }) },
);

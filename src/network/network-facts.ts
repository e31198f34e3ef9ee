import { Type, type Static } from '@sinclair/typebox';

/**
 * The network facts of one host, as the agent collects them in its own network namespace and sends
 * them in its check-in: listening sockets with their owners, the firewall as its tools print it,
 * interfaces, routes, and what could not be collected (`notes`). JSON-serializable and versioned:
 * a reader refuses a `version` it does not know instead of guessing.
 */
export const NETWORK_FACTS_SCHEMA = 'vigil.network-facts';
export const NETWORK_FACTS_VERSION = 1;

const Family = Type.Union([Type.Literal(4), Type.Literal(6)]);

export const SocketOwnerSchema = Type.Object(
  {
    pid: Type.Integer({ minimum: 1 }),
    comm: Type.String(),
    exe: Type.Optional(Type.String()),
    /** The systemd unit from the process's cgroup, when it runs in one. */
    unit: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const ListeningSocketSchema = Type.Object(
  {
    protocol: Type.Union([Type.Literal('TCP'), Type.Literal('UDP')]),
    family: Family,
    /** The bound address as the kernel shows it (`0.0.0.0`, `::`, `10.0.0.5`, `::ffff:10.0.0.5`). */
    address: Type.String(),
    port: Type.Integer({ minimum: 0, maximum: 65535 }),
    inode: Type.Integer({ minimum: 0 }),
    /** The network namespace the socket lives in (inode of /proc/self/ns/net when collected). */
    netnsInode: Type.Optional(Type.Integer({ minimum: 0 })),
    /** IPv6 sockets only: true when IPV6_V6ONLY is set; absent when it could not be learned. */
    v6Only: Type.Optional(Type.Boolean()),
    /** Every process holding the socket open (a forking server shares it). Empty when none is visible. */
    owners: Type.Array(SocketOwnerSchema),
  },
  { additionalProperties: false },
);

export const IptablesDumpSchema = Type.Object(
  {
    family: Family,
    flavour: Type.Union([Type.Literal('legacy'), Type.Literal('nf_tables')]),
    /** The output of `iptables-save`/`ip6tables-save` of that flavour, unchanged. */
    text: Type.String(),
  },
  { additionalProperties: false },
);

export const FirewallFactsSchema = Type.Object(
  {
    /** `nft -j list ruleset` parsed, and `nft -a list ruleset` for quoting rules as people write them. */
    nftables: Type.Optional(
      Type.Object(
        { ruleset: Type.Unknown(), listing: Type.Optional(Type.String()) },
        { additionalProperties: false },
      ),
    ),
    iptables: Type.Array(IptablesDumpSchema),
    /** Front ends recognized by the rules they generate (ufw chains, firewalld tables). */
    generatedBy: Type.Array(Type.Union([Type.Literal('ufw'), Type.Literal('firewalld')])),
    /** False when no rule and no non-accept policy exists anywhere: "no firewall active". */
    active: Type.Boolean(),
  },
  { additionalProperties: false },
);

export const InterfaceSchema = Type.Object(
  {
    name: Type.String(),
    index: Type.Integer(),
    up: Type.Boolean(),
    addresses: Type.Array(
      Type.Object(
        { family: Family, address: Type.String(), prefixLength: Type.Integer({ minimum: 0, maximum: 128 }) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const RouteSchema = Type.Object(
  {
    family: Family,
    /** `default` or a CIDR. */
    destination: Type.String(),
    device: Type.Optional(Type.String()),
    gateway: Type.Optional(Type.String()),
    /** unicast (absent), blackhole, unreachable, prohibit, … as `ip route` says. */
    type: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);

export const CollectionNoteSchema = Type.Object(
  {
    /** What was being collected: `nft`, `iptables-legacy-save`, `/proc/net/tcp`, `ip addr`, … */
    source: Type.String(),
    code: Type.Union([
      Type.Literal('TOOL_MISSING'),
      Type.Literal('TOOL_FAILED'),
      Type.Literal('TIMEOUT'),
      Type.Literal('OUTPUT_TOO_LARGE'),
      Type.Literal('UNREADABLE'),
      Type.Literal('NO_FIREWALL'),
    ]),
    message: Type.String(),
  },
  { additionalProperties: false },
);

export const NetworkFactsSchema = Type.Object(
  {
    schema: Type.Literal(NETWORK_FACTS_SCHEMA),
    version: Type.Literal(NETWORK_FACTS_VERSION),
    collectedAt: Type.String(),
    netnsInode: Type.Optional(Type.Integer({ minimum: 0 })),
    /** Set when the agent is told its cloud identity (flag or file); never from a metadata service. */
    cloud: Type.Optional(
      Type.Object(
        { provider: Type.Literal('aws'), instanceId: Type.String({ pattern: '^i-[0-9a-f]+$' }) },
        { additionalProperties: false },
      ),
    ),
    sockets: Type.Array(ListeningSocketSchema),
    firewall: FirewallFactsSchema,
    interfaces: Type.Array(InterfaceSchema),
    routes: Type.Array(RouteSchema),
    notes: Type.Array(CollectionNoteSchema),
  },
  { additionalProperties: false },
);

export type SocketOwner = Static<typeof SocketOwnerSchema>;
export type ListeningSocket = Static<typeof ListeningSocketSchema>;
export type IptablesDump = Static<typeof IptablesDumpSchema>;
export type FirewallFacts = Static<typeof FirewallFactsSchema>;
export type NetworkInterface = Static<typeof InterfaceSchema>;
export type RouteFact = Static<typeof RouteSchema>;
export type CollectionNote = Static<typeof CollectionNoteSchema>;
export type NetworkFacts = Static<typeof NetworkFactsSchema>;

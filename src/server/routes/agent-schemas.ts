import { Type, type Static } from '@sinclair/typebox';
import { DateTimeString } from './route-schemas.js';

/** Free text an agent reports (names, versions): never control characters. */
const Text = (maxLength: number) =>
  Type.String({ minLength: 1, maxLength, pattern: '^[^\\u0000-\\u001f\\u007f]+$' });

/** /etc/machine-id is 32 hex digits; other ids an agent may use are kept to a safe alphabet. */
const MachineId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$' });
/** Checked with node:net isIP by the route. */
const IpAddresses = Type.Array(Type.String({ minLength: 2, maxLength: 64 }), { maxItems: 64 });

/** The inventory's OsInfo fields an agent knows about its host. */
const Os = Type.Object(
  {
    id: Text(64),
    versionId: Type.Optional(Text(64)),
    release: Type.Optional(Text(64)),
    codename: Type.Optional(Text(64)),
    prettyName: Type.Optional(Text(200)),
  },
  { additionalProperties: true },
);

/**
 * Agent bodies accept properties they do not name (ignored): a newer agent keeps working with an
 * older server. What they name is checked.
 */
export const EnrollBody = Type.Object(
  {
    token: Type.String({ minLength: 1, maxLength: 200 }),
    machineId: MachineId,
    hostname: Text(253),
    agentVersion: Text(64),
    os: Type.Optional(Os),
    ipAddresses: Type.Optional(IpAddresses),
  },
  { additionalProperties: true },
);
export type EnrollBodyT = Static<typeof EnrollBody>;

export const Enrolled = Type.Object({
  hostKey: Type.String({ description: 'The host key: shown only in this response, stored as SHA-256 only.' }),
  resourceId: Type.String(),
  accountId: Type.String(),
  checkinIntervalSeconds: Type.Integer(),
});

export const CheckinBody = Type.Object(
  {
    agentVersion: Text(64),
    sentAt: DateTimeString,
    inventoryHash: Type.String({
      pattern: '^([0-9a-f]{64})?$',
      description: 'sha256 hex of the canonical inventory JSON',
    }),
    inventory: Type.Optional(Type.Object({}, { additionalProperties: true })),
    inventoryError: Type.Optional(
      Type.Object(
        { code: Text(100), message: Type.String({ maxLength: 2000 }) },
        { additionalProperties: true },
      ),
    ),
    facts: Type.Optional(Type.Object({}, { additionalProperties: true })),
    networkFacts: Type.Optional(
      Type.Object(
        {},
        { additionalProperties: true, description: 'vigil.network-facts v1 (src/network/network-facts.ts)' },
      ),
    ),
    assessmentFacts: Type.Optional(
      Type.Object(
        {},
        {
          additionalProperties: true,
          description:
            'vigil.assessment-facts/v1 (src/checks/facts/fact-model.ts), sent when a check-in answer asked',
        },
      ),
    ),
    networkFactsHash: Type.Optional(
      Type.String({
        pattern: '^[0-9a-f]{64}$',
        description: 'sha256 of the network facts without collectedAt',
      }),
    ),
    hostname: Type.Optional(Text(253)),
    ipAddresses: Type.Optional(IpAddresses),
    machineId: Type.Optional({
      ...MachineId,
      description: 'When sent, must be the machine the key was enrolled for',
    }),
  },
  { additionalProperties: true },
);
export type CheckinBodyT = Static<typeof CheckinBody>;

export const CheckinAnswer = Type.Object({
  checkinIntervalSeconds: Type.Integer(),
  wantInventory: Type.Boolean(),
  serverTime: Type.String(),
  wantNetworkFacts: Type.Optional(Type.Boolean()),
  assessmentRequest: Type.Optional(
    Type.Object(
      {
        benchmark: Type.String(),
        level: Type.Union([Type.Literal(1), Type.Literal(2)]),
        profile: Type.String(),
        alsoBenchmarks: Type.Optional(Type.Array(Type.String())),
      },
      { description: 'A CIS scan waits for this host: collect these facts and send them as assessmentFacts' },
    ),
  ),
});

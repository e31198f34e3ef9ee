import { Type, type Static } from '@sinclair/typebox';
import { AccountIdString, IdString } from './route-schemas.js';

const Credentials = Type.Object(
  {
    username: Type.String({ minLength: 1, maxLength: 256 }),
    password: Type.String({ minLength: 1, maxLength: 4096 }),
  },
  { additionalProperties: false, description: 'Stored sealed under the server key; never returned.' },
);
const Discovery = Type.Union([Type.Literal('NOTIFICATIONS'), Type.Literal('POLLING'), Type.Literal('BOTH')]);
const Fields = {
  name: Type.String({ minLength: 1, maxLength: 100, pattern: '\\S' }),
  url: Type.String({ minLength: 1, maxLength: 300, description: 'host[:port] or http(s)://host[:port]' }),
  insecure: Type.Boolean({ description: 'plain HTTP to this registry' }),
  discovery: Discovery,
  pollInterval: Type.Integer({
    minimum: 60,
    maximum: 7 * 24 * 3600,
    description: 'seconds; POLLING or BOTH',
  }),
};

export const CreateRegistryBody = Type.Object(
  {
    name: Fields.name,
    url: Fields.url,
    credentials: Type.Optional(Credentials),
    insecure: Type.Optional(Fields.insecure),
    discovery: Fields.discovery,
    pollInterval: Type.Optional(Fields.pollInterval),
  },
  { additionalProperties: false },
);
export type CreateRegistryBodyT = Static<typeof CreateRegistryBody>;

export const UpdateRegistryBody = Type.Object(
  {
    name: Type.Optional(Fields.name),
    url: Type.Optional(Fields.url),
    credentials: Type.Optional(Type.Union([Credentials, Type.Null()])),
    insecure: Type.Optional(Fields.insecure),
    discovery: Type.Optional(Fields.discovery),
    pollInterval: Type.Optional(Fields.pollInterval),
  },
  { additionalProperties: false },
);
export type UpdateRegistryBodyT = Static<typeof UpdateRegistryBody>;

export const Registry = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  name: Type.String(),
  url: Type.String(),
  host: Type.String(),
  insecure: Type.Boolean(),
  discovery: Discovery,
  pollInterval: Type.Union([Type.Integer(), Type.Null()]),
  hasCredentials: Type.Boolean(),
  createdAt: Type.String(),
  updatedAt: Type.String(),
  lastPolledAt: Type.Union([Type.String(), Type.Null()]),
  pollError: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});

export const RegistryWithSecret = Type.Intersect([
  Registry,
  Type.Object({
    notificationSecret: Type.String({
      description: 'Shown once: the registry sends it as `Authorization: Bearer <secret>`.',
    }),
    notificationUrl: Type.String({
      description: 'Where the registry posts its events (path on this server).',
    }),
  }),
]);

export const RegistryParams = Type.Object({ accountId: AccountIdString, registryId: IdString(100) });
export type RegistryParamsT = Static<typeof RegistryParams>;

export const RegistryCheckSchema = Type.Object({
  code: Type.Union(
    ['OK', 'ACCESS_DENIED', 'EGRESS_DENIED', 'UNREACHABLE', 'TIMEOUT', 'TLS_REQUIRED', 'NOT_A_REGISTRY'].map(
      (c) => Type.Literal(c),
    ),
  ),
  message: Type.String(),
  catalog: Type.Union([Type.Literal('OK'), Type.Literal('REFUSED'), Type.Null()]),
  checkedAt: Type.String(),
});

export const PollOutcomeSchema = Type.Object({
  repositories: Type.Integer({ description: 'repositories listed that an inclusion rule matches' }),
  tags: Type.Integer(),
  scansQueued: Type.Integer(),
  deduplicated: Type.Integer(),
  excluded: Type.Integer(),
  pulls: Type.Integer(),
  deleted: Type.Integer(),
  error: Type.Union([Type.Object({ code: Type.String(), message: Type.String() }), Type.Null()]),
});

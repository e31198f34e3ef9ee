import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { createApiKey, listApiKeys, revokeApiKey } from '../../accounts/api-keys.js';
import { requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  AccountIdString,
  AccountParams,
  errorResponses,
  IdString,
  type AccountParamsT,
} from './route-schemas.js';

const Role = Type.Union([Type.Literal('admin'), Type.Literal('member'), Type.Literal('read-only')]);
const NullableString = Type.Union([Type.String(), Type.Null()]);

const KeyInfo = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  prefix: Type.String(),
  role: Role,
  name: NullableString,
  createdAt: Type.String(),
  lastUsedAt: NullableString,
  revokedAt: NullableString,
});

const CreatedKey = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  key: Type.String({ description: 'The whole key: shown only in this response, stored as SHA-256 only.' }),
  prefix: Type.String(),
  role: Role,
  name: NullableString,
  createdAt: Type.String(),
});

const CreateBody = Type.Object(
  { role: Role, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
  { additionalProperties: false },
);
const KeyParams = Type.Object({
  accountId: AccountIdString,
  keyId: IdString(200),
});

/** API keys of an account: admin keys (of the account or of the delegated admin) manage them. */
export function registerKeyRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.post(
    '/v1/accounts/:accountId/keys',
    {
      schema: {
        params: AccountParams,
        body: CreateBody,
        response: { 201: CreatedKey, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const body = req.body as Static<typeof CreateBody>;
      const created = await createApiKey(db, {
        accountId,
        role: body.role,
        ...(body.name !== undefined ? { name: body.name } : {}),
        now: ctx.now(),
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/accounts/:accountId/keys',
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ keys: Type.Array(KeyInfo) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return { keys: await listApiKeys(db, accountId) };
    },
  );

  app.delete(
    '/v1/accounts/:accountId/keys/:keyId',
    {
      schema: {
        description: 'Revokes the key: it is refused (401) from its next use on. Revoking twice is harmless.',
        params: KeyParams,
        response: { 200: KeyInfo, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, keyId } = req.params as Static<typeof KeyParams>;
      requireAdmin(req, accountId);
      const revoked = await revokeApiKey(db, { accountId, keyId, now: ctx.now() });
      if (!revoked) throw notFound(`key ${keyId}`);
      return revoked;
    },
  );
}

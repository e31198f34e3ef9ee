import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  createEnrollmentToken,
  listEnrollmentTokens,
  revokeEnrollmentToken,
} from '../../accounts/enrollment-tokens.js';
import { ValidationError } from '../../core/errors/validation-error.js';
import { parseDurationSeconds } from '../../core/duration.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { checkTags } from '../../resources/resource-service.js';
import { principalOf, requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import {
  AccountIdString,
  AccountParams,
  errorResponses,
  IdString,
  type AccountParamsT,
} from './route-schemas.js';

const NullableString = Type.Union([Type.String(), Type.Null()]);
const Tags = Type.Record(Type.String(), Type.String(), { maxProperties: 50 });

const TokenInfo = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  name: NullableString,
  prefix: Type.String(),
  tags: Tags,
  expiresAt: NullableString,
  maxUses: Type.Union([Type.Integer(), Type.Null()]),
  uses: Type.Integer(),
  createdAt: Type.String(),
  revokedAt: NullableString,
});
const CreatedToken = Type.Composite([
  TokenInfo,
  Type.Object({
    token: Type.String({ description: 'The token: shown only in this response, stored as SHA-256 only.' }),
  }),
]);
const CreateBody = Type.Object(
  {
    tags: Type.Optional(Tags),
    expiresIn: Type.Optional(
      Type.Union(
        [
          Type.String({ maxLength: 20, description: '"90s", "30m", "24h", "7d"' }),
          Type.Integer({ minimum: 1 }),
        ],
        {
          description: 'Lifetime (default 24h, at most 365d): a duration or seconds',
        },
      ),
    ),
    maxUses: Type.Optional(
      Type.Integer({ minimum: 1, description: 'Enrollments it allows (default: any number)' }),
    ),
    name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  },
  { additionalProperties: false },
);
const TokenParams = Type.Object({ accountId: AccountIdString, tokenId: IdString(200) });

/** Enrollment tokens of an account (issue 12): what `vigil agent --enroll-token` presents; admin keys manage them. */
export function registerEnrollmentTokenRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.post(
    '/v1/accounts/:accountId/enrollment-tokens',
    {
      schema: { params: AccountParams, body: CreateBody, response: { 201: CreatedToken, ...errorResponses } },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const body = req.body as Static<typeof CreateBody>;
      const expiresIn = body.expiresIn === undefined ? undefined : parseDurationSeconds(body.expiresIn);
      if (body.expiresIn !== undefined && expiresIn === undefined)
        throw new ValidationError('expiresIn must be a duration such as "24h" or a number of seconds', {
          expiresIn: body.expiresIn,
        });
      const created = await createEnrollmentToken(db, {
        accountId,
        tags: checkTags(body.tags ?? {}),
        ...(expiresIn !== undefined ? { expiresInSeconds: expiresIn } : {}),
        ...(body.maxUses !== undefined ? { maxUses: body.maxUses } : {}),
        ...(body.name !== undefined ? { name: body.name } : {}),
        createdBy: principalOf(req).keyId,
        now: ctx.now(),
      });
      return reply.status(201).send(created);
    },
  );

  app.get(
    '/v1/accounts/:accountId/enrollment-tokens',
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ tokens: Type.Array(TokenInfo) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return { tokens: await listEnrollmentTokens(db, accountId) };
    },
  );

  app.delete(
    '/v1/accounts/:accountId/enrollment-tokens/:tokenId',
    {
      schema: {
        description: 'Revokes the token: it enrolls nothing from now on. Hosts it enrolled keep their keys.',
        params: TokenParams,
        response: { 200: TokenInfo, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, tokenId } = req.params as Static<typeof TokenParams>;
      requireAdmin(req, accountId);
      const revoked = await revokeEnrollmentToken(db, { accountId, tokenId, now: ctx.now() });
      if (!revoked) throw notFound(`enrollment token ${tokenId}`);
      return revoked;
    },
  );
}

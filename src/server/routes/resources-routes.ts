import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireAccount } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

const Resource = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  type: Type.String(),
  tags: Type.Record(Type.String(), Type.String()),
  details: Type.Record(Type.String(), Type.Unknown()),
});

export function registerResourcesRoutes(app: FastifyInstance, { db }: ServerContext): void {
  app.get(
    '/v1/accounts/:accountId/resources',
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ resources: Type.Array(Resource) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const rows = await db
        .selectFrom('resources')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('id')
        .execute();
      return {
        resources: rows.map((r) => ({
          id: r.id,
          accountId: r.account_id,
          type: r.type,
          tags: JSON.parse(r.tags_json) as Record<string, string>,
          details: JSON.parse(r.details_json) as Record<string, unknown>,
        })),
      };
    },
  );
}

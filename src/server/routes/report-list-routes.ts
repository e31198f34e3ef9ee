import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/auth-hook.js';
import type { ServerContext } from '../server-context.js';
import { statusOf } from './report-routes.js';
import { errorResponses } from './route-schemas.js';

const Query = Type.Object({
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

/** GET /v1/reports: the newest reports of the accounts the key sees (status only, never content). */
export function registerReportListRoutes(app: FastifyInstance, { db }: ServerContext): void {
  app.get(
    '/v1/reports',
    {
      schema: {
        querystring: Query,
        response: { 200: Type.Object({ reports: Type.Array(Type.Unknown()) }), ...errorResponses },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query as Static<typeof Query>;
      const rows = await db
        .selectFrom('reports')
        .select([
          'id',
          'account_id',
          'key_id',
          'kind',
          'format',
          'request_json',
          'scope_json',
          'status',
          'error_json',
          'content_type',
          'size',
          'created_at',
          'started_at',
          'finished_at',
        ])
        .where('account_id', 'in', p.visibleAccountIds)
        .orderBy('created_at', 'desc')
        .orderBy('id', 'desc')
        .limit(q.maxResults ?? 50)
        .execute();
      return { reports: rows.map(statusOf) };
    },
  );
}

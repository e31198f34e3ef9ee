import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { principalOf } from '../auth/auth-hook.js';
import { listReportHeaders } from '../../reports/exports/report-list.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { statusOf } from './report-routes.js';
import { errorResponses } from './route-schemas.js';

const Query = Type.Object({
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 50 })),
});

/** GET /v1/reports: the newest reports of the accounts the key sees (status only, never content). */
export function registerReportListRoutes(app: FastifyInstance, { db }: ServiceContext): void {
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
      const rows = await listReportHeaders(db, p.visibleAccountIds, q.maxResults ?? 50);
      return { reports: rows.map(statusOf) };
    },
  );
}

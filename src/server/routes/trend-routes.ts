import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { readTrend, utcDay } from '../../findings/finding-daily-counts.js';
import { principalOf } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { AccountIdString, errorResponses } from './route-schemas.js';

const Query = Type.Object({
  days: Type.Optional(Type.Integer({ minimum: 1, maximum: 366, default: 30 })),
  accountId: Type.Optional(AccountIdString),
});
const Counts = Type.Object({
  all: Type.Integer(),
  critical: Type.Integer(),
  high: Type.Integer(),
  medium: Type.Integer(),
  low: Type.Integer(),
  informational: Type.Integer(),
  untriaged: Type.Integer(),
});
const Response = Type.Object({ days: Type.Array(Type.Object({ day: Type.String(), counts: Counts })) });

/**
 * GET /v1/findings/trend: open (ACTIVE) findings by severity per UTC day over the last `days` days,
 * summed over the accounts the key sees (or one of them), from the daily counts the server keeps.
 * Days before the server kept counts are absent, not zero.
 */
export function registerTrendRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/findings/trend',
    { schema: { querystring: Query, response: { 200: Response, ...errorResponses } } },
    async (req) => {
      const p = principalOf(req);
      const q = req.query as Static<typeof Query>;
      if (q.accountId !== undefined && !p.visibleAccountIds.includes(q.accountId))
        throw notFound(`account ${q.accountId}`);
      const days = q.days ?? 30;
      const since = utcDay(new Date(ctx.now().getTime() - (days - 1) * 86_400_000));
      return {
        days: await readTrend(ctx.db, q.accountId ? [q.accountId] : p.visibleAccountIds, since, ctx.now()),
      };
    },
  );
}

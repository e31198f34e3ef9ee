import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import {
  aggregateFindings,
  COUNTS,
  GROUP_KEYS,
  SORT_COUNTS,
  type CountName,
  type GroupBy,
} from '../../findings/finding-aggregation.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { principalOf } from '../auth/auth-hook.js';
import { parseFilterParam } from './filter-param.js';
import { errorResponses } from './route-schemas.js';

const Query = Type.Object({
  groupBy: Type.Union(Object.keys(GROUP_KEYS).map((g) => Type.Literal(g))),
  filter: Type.Optional(Type.String({ description: 'FilterCriteria as JSON', maxLength: 20_000 })),
  sortBy: Type.Optional(Type.Union(Object.keys(SORT_COUNTS).map((s) => Type.Literal(s)))),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  nextToken: Type.Optional(Type.String({ maxLength: 200 })),
});
interface AggQuery {
  groupBy: GroupBy;
  filter?: string;
  sortBy?: keyof typeof SORT_COUNTS;
  maxResults?: number;
  nextToken?: string;
}

const SeverityCounts = Type.Object(
  Object.fromEntries(Object.keys(COUNTS).map((c) => [c, Type.Integer()])) as Record<
    CountName,
    ReturnType<typeof Type.Integer>
  >,
);
const Response = Type.Object({
  groupBy: Type.String(),
  groups: Type.Array(
    Type.Object({ key: Type.Record(Type.String(), Type.String()), severityCounts: SeverityCounts }),
  ),
  nextToken: Type.Optional(Type.String()),
});
type GroupsResponse = Static<typeof Response>;

/**
 * GET /v1/findings/aggregations: counts of the visible accounts' findings by one dimension
 * (src/findings/finding-aggregation.ts).
 */
export function registerAggregationRoutes(app: FastifyInstance, { db }: ServiceContext): void {
  app.get(
    '/v1/findings/aggregations',
    { schema: { querystring: Query, response: { 200: Response, ...errorResponses } } },
    async (req): Promise<GroupsResponse> => {
      const p = principalOf(req);
      const q = req.query as AggQuery;
      return aggregateFindings(db, {
        accountIds: p.visibleAccountIds,
        groupBy: q.groupBy,
        criteria: parseFilterParam(q.filter),
        sortBy: q.sortBy ?? 'ALL',
        limit: q.maxResults ?? 100,
        ...(q.nextToken !== undefined ? { nextToken: q.nextToken } : {}),
      });
    },
  );
}

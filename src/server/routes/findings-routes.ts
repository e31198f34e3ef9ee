import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { findingHistory } from '../../findings/finding-history.js';
import { getFinding, listFindings } from '../../findings/finding-query.js';
import { SORT_FIELDS, type SortField, type SortOrder } from '../../findings/finding-sort.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { principalOf } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import { parseFilterParam } from './filter-param.js';
import { errorResponses, IdString } from './route-schemas.js';

const Query = Type.Object({
  filter: Type.Optional(Type.String({ description: 'FilterCriteria as JSON', maxLength: 20_000 })),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  nextToken: Type.Optional(Type.String({ maxLength: 1000 })),
  sortBy: Type.Optional(Type.Union(SORT_FIELDS.map((f) => Type.Literal(f)))),
  sortOrder: Type.Optional(Type.Union([Type.Literal('ASC'), Type.Literal('DESC')])),
});

interface ListQuery {
  filter?: string;
  maxResults?: number;
  nextToken?: string;
  sortBy?: SortField;
  sortOrder?: SortOrder;
}

const FindingParams = Type.Object({ findingId: IdString(200) });

/**
 * GET /v1/findings: FilterCriteria over the accounts the key may see, sorted, keyset-paginated.
 * GET /v1/findings/{findingId}: one finding of a visible account; any other id is 404, whether it
 * exists in another account or not.
 * GET /v1/findings/{findingId}/history: its status changes, oldest first, under the same rule.
 */
export function registerFindingsRoutes(app: FastifyInstance, { db }: ServiceContext): void {
  app.get(
    '/v1/findings/:findingId/history',
    {
      schema: {
        params: FindingParams,
        response: {
          200: Type.Object({
            history: Type.Array(
              Type.Object({ at: Type.String(), event: Type.String(), status: Type.String() }),
            ),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const { findingId } = req.params as { findingId: string };
      const history = await findingHistory(db, p.visibleAccountIds, findingId);
      if (!history) throw notFound(`finding ${findingId}`);
      return { history };
    },
  );

  app.get(
    '/v1/findings/:findingId',
    { schema: { params: FindingParams, response: { 200: Type.Unknown(), ...errorResponses } } },
    async (req) => {
      const p = principalOf(req);
      const { findingId } = req.params as { findingId: string };
      const finding = await getFinding(db, p.visibleAccountIds, findingId);
      if (!finding) throw notFound(`finding ${findingId}`);
      return finding;
    },
  );

  app.get(
    '/v1/findings',
    {
      schema: {
        querystring: Query,
        response: {
          200: Type.Object({ findings: Type.Array(Type.Unknown()), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      const q = req.query as ListQuery;
      return listFindings(db, {
        accountIds: p.visibleAccountIds,
        criteria: parseFilterParam(q.filter),
        limit: q.maxResults ?? 100,
        sortBy: q.sortBy ?? 'id',
        sortOrder: q.sortOrder ?? 'ASC',
        ...(q.nextToken ? { nextToken: q.nextToken } : {}),
      });
    },
  );
}

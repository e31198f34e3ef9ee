import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { criteriaWhere } from '../../findings/filter-criteria-sql.js';
import { principalOf } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import { findingOfRow } from '../storage/finding-rows.js';
import type { ServerContext } from '../server-context.js';
import { parseFilterParam } from './filter-param.js';
import { errorResponses } from './route-schemas.js';
import {
  afterCursor,
  decodeCursor,
  encodeCursor,
  SORT_FIELDS,
  sortKey,
  type SortField,
  type SortOrder,
} from './findings-sort.js';

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

const FindingParams = Type.Object({ findingId: Type.String({ minLength: 1, maxLength: 200 }) });

/**
 * GET /v1/findings: FilterCriteria over the accounts the key may see, sorted, keyset-paginated.
 * GET /v1/findings/{findingId}: one finding of a visible account; any other id is 404, whether it
 * exists in another account or not.
 */
export function registerFindingsRoutes(app: FastifyInstance, { db }: ServerContext): void {
  app.get(
    '/v1/findings/:findingId',
    { schema: { params: FindingParams, response: { 200: Type.Unknown(), ...errorResponses } } },
    async (req) => {
      const p = principalOf(req);
      const { findingId } = req.params as { findingId: string };
      const row = await db
        .selectFrom('findings')
        .select('finding_json')
        .where('id', '=', findingId)
        .where('account_id', 'in', p.visibleAccountIds)
        .executeTakeFirst();
      if (!row) throw notFound(`finding ${findingId}`);
      return findingOfRow(row);
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
      const limit = q.maxResults ?? 100;
      const field: SortField = q.sortBy ?? 'id';
      const order: SortOrder = q.sortOrder ?? 'ASC';
      const dir = order === 'ASC' ? 'asc' : 'desc';
      // Keys first, documents after: the filter and sort run over index columns only, and only one
      // page of finding JSON (~2 KB each) is read, not every candidate's before the sort.
      let query = db
        .selectFrom('findings')
        .select(['id', sortKey(field).as('sort_key')])
        .where('account_id', 'in', p.visibleAccountIds)
        .where(criteriaWhere(parseFilterParam(q.filter)))
        .orderBy(sortKey(field), dir)
        .orderBy('id', dir)
        .limit(limit + 1);
      if (q.nextToken) query = query.where(afterCursor(field, order, decodeCursor(q.nextToken)));
      const rows = await query.execute();
      const page = rows.slice(0, limit);
      const last = page[page.length - 1];
      const docs = page.length
        ? await db
            .selectFrom('findings')
            .select(['id', 'finding_json'])
            .where(
              'id',
              'in',
              page.map((r) => r.id),
            )
            .execute()
        : [];
      const byId = new Map(docs.map((d) => [d.id, d]));
      return {
        // A finding purged between the two reads is left out rather than failing the page.
        findings: page.flatMap((r) => {
          const d = byId.get(r.id);
          return d ? [findingOfRow(d)] : [];
        }),
        ...(rows.length > limit && last
          ? { nextToken: encodeCursor({ v: last.sort_key, id: last.id }) }
          : {}),
      };
    },
  );
}

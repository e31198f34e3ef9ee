import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { sql, type RawBuilder } from 'kysely';
import { criteriaWhere } from '../../findings/filter-criteria-sql.js';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import { principalOf } from '../auth/auth-hook.js';
import { HttpError } from '../http/http-error.js';
import type { ServerContext } from '../server-context.js';
import type { FindingTable } from '../storage/service-db-schema.js';
import { parseFilterParam } from './filter-param.js';
import { errorResponses } from './route-schemas.js';

/** What a group is keyed by: API name → findings column. RESOURCE needs the account (ids are per account). */
const GROUP_KEYS = {
  SEVERITY: { severity: 'severity' },
  VULNERABILITY: { vulnerabilityId: 'vulnerability_id' },
  PACKAGE: { packageName: 'package_name' },
  RESOURCE: { accountId: 'account_id', resourceId: 'resource_id' },
  REPOSITORY: { repositoryName: 'repository_name' },
  ACCOUNT: { accountId: 'account_id' },
} as const satisfies Record<string, Record<string, keyof FindingTable>>;
type GroupBy = keyof typeof GROUP_KEYS;

/** Count columns: the select alias of each, and the severity it counts (undefined = every finding). */
const COUNTS = {
  all: undefined,
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'INFORMATIONAL',
  untriaged: 'UNTRIAGED',
} as const;
type CountName = keyof typeof COUNTS;
const SORT_COUNTS = { ALL: 'all', CRITICAL: 'critical', HIGH: 'high' } as const;

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

/** Inspector counts ACTIVE findings unless the filter says which statuses it wants. */
function withDefaultStatus(c: FilterCriteria): FilterCriteria {
  return c.findingStatus?.length ? c : { ...c, findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] };
}

function countExpr(severity: string | undefined): RawBuilder<number> {
  return severity === undefined
    ? sql<number>`count(*)`
    : sql<number>`sum(case when severity = ${severity} then 1 else 0 end)`;
}

/**
 * The nextToken is the offset of the next group: groups are computed afresh per page (no snapshot),
 * in a total order (count desc, then key), so pages neither repeat nor skip while findings stay put.
 */
function decodeOffset(token: string | undefined): number {
  if (token === undefined) return 0;
  const n = Number(Buffer.from(token, 'base64url').toString());
  if (!Number.isSafeInteger(n) || n < 0)
    throw new HttpError(400, 'VALIDATION', 'nextToken is not a token this server issued');
  return n;
}

/**
 * GET /v1/findings/aggregations: the visible accounts' findings (FilterCriteria; ACTIVE only unless
 * the filter names findingStatus) grouped by one dimension, with per-severity counts, sorted by the
 * chosen count, largest first. Findings without the dimension (no package for a network finding, no
 * repository for a host) belong to no group.
 */
export function registerAggregationRoutes(app: FastifyInstance, { db }: ServerContext): void {
  app.get(
    '/v1/findings/aggregations',
    { schema: { querystring: Query, response: { 200: Response, ...errorResponses } } },
    async (req): Promise<GroupsResponse> => {
      const p = principalOf(req);
      const q = req.query as AggQuery;
      const limit = q.maxResults ?? 100;
      const offset = decodeOffset(q.nextToken);
      const keys = Object.entries(GROUP_KEYS[q.groupBy]) as Array<[string, keyof FindingTable]>;
      const cols = keys.map(([, col]) => col);
      const sortAlias = SORT_COUNTS[q.sortBy ?? 'ALL'];
      let query = db
        .selectFrom('findings')
        .select(cols)
        .select(Object.entries(COUNTS).map(([alias, sev]) => countExpr(sev).as(alias)))
        .where('account_id', 'in', p.visibleAccountIds)
        .where(criteriaWhere(withDefaultStatus(parseFilterParam(q.filter))))
        .groupBy(cols)
        .orderBy(sql.ref(sortAlias), 'desc')
        .limit(limit + 1)
        .offset(offset);
      for (const col of cols) query = query.where(col, 'is not', null).orderBy(col, 'asc');
      const rows = (await query.execute()) as Array<Record<string, unknown>>;
      const groups = rows.slice(0, limit).map((row) => ({
        key: Object.fromEntries(keys.map(([name, col]) => [name, String(row[col])])),
        severityCounts: Object.fromEntries(
          Object.keys(COUNTS).map((c) => [c, Number(row[c] ?? 0)]),
        ) as Record<CountName, number>,
      }));
      return {
        groupBy: q.groupBy,
        groups,
        ...(rows.length > limit
          ? { nextToken: Buffer.from(String(offset + limit)).toString('base64url') }
          : {}),
      };
    },
  );
}

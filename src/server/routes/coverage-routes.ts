import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import type { CoverageCriteria } from '../../resources/coverage/coverage-criteria.js';
import {
  COVERAGE_GROUP_BY,
  coverageStatistics,
  listCoverage,
  type CoverageGroupBy,
} from '../../resources/coverage/coverage-query.js';
import {
  asksForCisCoverage,
  cisCoverageStatistics,
  listCisCoveragePage,
} from '../../scan/cis/cis-coverage-page.js';
import { principalOf } from '../auth/auth-hook.js';
import { HttpError } from '../http/http-error.js';
import { DateFilter, errorResponses, StringFilter } from './route-schemas.js';

const strings = Type.Optional(Type.Array(StringFilter, { maxItems: 20 }));

/** Inspector's CoverageFilterCriteria (the fields vigil's coverage has). */
export const CoverageFilterSchema = Type.Object(
  {
    accountId: strings,
    resourceId: strings,
    resourceType: strings,
    scanType: strings,
    scanStatusCode: strings,
    scanStatusReason: strings,
    lastScannedAt: Type.Optional(Type.Array(DateFilter, { maxItems: 20 })),
  },
  { additionalProperties: false },
);

const FilterParam = Type.Optional(
  Type.String({ description: 'CoverageFilterCriteria as JSON', maxLength: 20_000 }),
);
const ListQuery = Type.Object({
  filter: FilterParam,
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 200, default: 100 })),
  nextToken: Type.Optional(Type.String({ maxLength: 1000 })),
});
const StatsQuery = Type.Object({
  filter: FilterParam,
  groupBy: Type.Optional(Type.Union(Object.keys(COVERAGE_GROUP_BY).map((k) => Type.Literal(k)))),
});

const CoveredResource = Type.Object({
  accountId: Type.String(),
  resourceId: Type.String(),
  resourceType: Type.String(),
  scanType: Type.String(),
  scanStatus: Type.Object({
    statusCode: Type.String(),
    reason: Type.String(),
    message: Type.Optional(Type.String()),
  }),
  lastScannedAt: Type.Optional(Type.String()),
  resourceMetadata: Type.Record(Type.String(), Type.Unknown()),
});

function parseCoverageFilter(raw: string | undefined): CoverageCriteria {
  if (raw === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'VALIDATION', 'filter is not JSON');
  }
  if (!Value.Check(CoverageFilterSchema, parsed)) {
    const errors = [...Value.Errors(CoverageFilterSchema, parsed)]
      .slice(0, 10)
      .map((e) => ({ path: e.path, message: e.message }));
    throw new HttpError(400, 'VALIDATION', 'filter is not a valid CoverageFilterCriteria', { errors });
  }
  return parsed;
}

/**
 * Coverage as Inspector shows it: GET /v1/coverage (ListCoverage) and GET /v1/coverage/statistics
 * (ListCoverageStatistics), over the accounts the key may see.
 */
export function registerCoverageRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.get(
    '/v1/coverage',
    {
      schema: {
        querystring: ListQuery,
        response: {
          200: Type.Object({
            coveredResources: Type.Array(CoveredResource),
            nextToken: Type.Optional(Type.String()),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof ListQuery>;
      const query = {
        accountIds: principalOf(req).visibleAccountIds,
        criteria: parseCoverageFilter(q.filter),
        limit: q.maxResults ?? 100,
        ...(q.nextToken ? { nextToken: q.nextToken } : {}),
      };
      // Scan type CIS is decided when read (scan/cis), beside the stored package and network rows.
      if (asksForCisCoverage(query.criteria)) {
        const page = await listCisCoveragePage(db, { ...query, now: ctx.now() });
        return {
          ...page,
          coveredResources: page.coveredResources.map((r) => ({ ...r, resourceMetadata: {} })),
        };
      }
      return listCoverage(db, query);
    },
  );

  app.get(
    '/v1/coverage/statistics',
    {
      schema: {
        querystring: StatsQuery,
        response: {
          200: Type.Object({
            countsByGroup: Type.Array(Type.Object({ count: Type.Integer(), groupKey: Type.String() })),
            totalCounts: Type.Integer(),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const q = req.query as Static<typeof StatsQuery>;
      const query = {
        accountIds: principalOf(req).visibleAccountIds,
        criteria: parseCoverageFilter(q.filter),
        ...(q.groupBy ? { groupBy: q.groupBy as CoverageGroupBy } : {}),
      };
      // Counted as the list serves them: CIS rows decided when read, the others stored.
      if (asksForCisCoverage(query.criteria)) return cisCoverageStatistics(db, { ...query, now: ctx.now() });
      return coverageStatistics(db, query);
    },
  );
}

import type { StringFilter } from '../../findings/filter-criteria.js';
import type { CoverageCriteria } from '../../resources/coverage/coverage-criteria.js';
import {
  COVERAGE_GROUP_BY,
  coverageStatistics,
  listCoverage,
  type CoverageGroupBy,
  type CoveredResource,
} from '../../resources/coverage/coverage-query.js';
import { awsResourceType } from './inspector2-arns.js';
import { resourceTypeFilters } from './inspector2-criteria.js';
import { invalidInput } from './inspector2-errors.js';
import { epochSeconds } from './inspector2-finding.js';
import type { Operation } from './inspector2-operation.js';

/**
 * ListCoverage and ListCoverageStatistics over vigil's coverage (issue 12: one row per resource and
 * scan type, Inspector's statuses and reasons), the functions behind GET /v1/coverage(/statistics),
 * over the same visible accounts. Resource types are Inspector's names on the wire.
 */
const STRING_FIELDS = ['accountId', 'resourceId', 'scanType', 'scanStatusCode', 'scanStatusReason'] as const;

function coverageCriteria(aws: Record<string, unknown> | undefined): CoverageCriteria {
  const out: CoverageCriteria = {};
  for (const [name, value] of Object.entries(aws ?? {})) {
    if ((STRING_FIELDS as readonly string[]).includes(name))
      out[name as (typeof STRING_FIELDS)[number]] = value as StringFilter[];
    else if (name === 'resourceType') out.resourceType = resourceTypeFilters(value as StringFilter[]);
    else if (name === 'lastScannedAt')
      // The model's CoverageDateFilter is startInclusive/endInclusive, as vigil's DateFilter.
      out.lastScannedAt = value as NonNullable<CoverageCriteria['lastScannedAt']>;
    else
      throw invalidInput(
        `filterCriteria.${name} is not supported by vigil's coverage; supported: ${[...STRING_FIELDS, 'resourceType', 'lastScannedAt'].join(', ')}`,
        `filterCriteria.${name}`,
      );
  }
  return out;
}

function awsCovered(c: CoveredResource): Record<string, unknown> {
  return {
    ...c,
    resourceType: awsResourceType(c.resourceType),
    ...(c.lastScannedAt ? { lastScannedAt: epochSeconds(c.lastScannedAt) } : {}),
    ...(c.resourceType === 'HOST' ? { scanMode: 'EC2_SSM_AGENT_BASED' } : {}),
  };
}

/** Inspector's default page of coverage. */
const DEFAULT_MAX_RESULTS = 100;

export const listCoverageOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const q = input as { filterCriteria?: Record<string, unknown>; maxResults?: number; nextToken?: string };
    const page = await listCoverage(ctx.db, {
      accountIds: principal.visibleAccountIds,
      criteria: coverageCriteria(q.filterCriteria),
      limit: q.maxResults ?? DEFAULT_MAX_RESULTS,
      ...(q.nextToken ? { nextToken: q.nextToken } : {}),
    });
    return {
      coveredResources: page.coveredResources.map(awsCovered),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};

/** All groups in one answer (vigil's groups are few): no nextToken. */
export const listCoverageStatisticsOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const q = input as { filterCriteria?: Record<string, unknown>; groupBy?: string };
    if (q.groupBy !== undefined && !(q.groupBy in COVERAGE_GROUP_BY))
      throw invalidInput(
        `groupBy ${q.groupBy} is not supported by vigil; supported: ${Object.keys(COVERAGE_GROUP_BY).join(', ')}`,
        'groupBy',
      );
    const stats = await coverageStatistics(ctx.db, {
      accountIds: principal.visibleAccountIds,
      criteria: coverageCriteria(q.filterCriteria),
      ...(q.groupBy ? { groupBy: q.groupBy as CoverageGroupBy } : {}),
    });
    return {
      totalCounts: stats.totalCounts,
      countsByGroup: stats.countsByGroup.map((g) => ({
        count: g.count,
        groupKey: q.groupBy === 'RESOURCE_TYPE' ? awsResourceType(g.groupKey) : g.groupKey,
      })),
    };
  },
};

import type { FilterCriteria, MapFilter, StringFilter } from '../../findings/filter-criteria.js';
import { aggregateFindings, type GroupBy } from '../../findings/finding-aggregation.js';
import { vigilResourceType } from './inspector2-arns.js';
import { invalidInput } from './inspector2-errors.js';
import type { Operation } from './inspector2-operation.js';

type Counts = Record<string, number>;
type Group = { key: Record<string, string>; severityCounts: Counts };

/**
 * Inspector's aggregation types over vigil's groupings. Each names its request member, the filters of
 * that member vigil can apply (member field → FilterCriteria field), and how a group is answered.
 */
interface AggregationKind {
  groupBy: GroupBy;
  member: string;
  /** Fixed criteria (an EC2 aggregation counts hosts only). */
  scope?: FilterCriteria;
  filters: Readonly<Record<string, keyof FilterCriteria>>;
  answer(g: Group, counts: Counts): Record<string, unknown>;
}

const eq = (value: string): StringFilter[] => [{ comparison: 'EQUALS', value }];

const KINDS: Readonly<Record<string, AggregationKind>> = {
  PACKAGE: {
    groupBy: 'PACKAGE',
    member: 'packageAggregation',
    filters: { packageNames: 'packageName' },
    answer: (g, severityCounts) => ({ packageName: g.key['packageName'], severityCounts }),
  },
  REPOSITORY: {
    groupBy: 'REPOSITORY',
    member: 'repositoryAggregation',
    filters: { repositories: 'repositoryName' },
    answer: (g, severityCounts) => ({ repository: g.key['repositoryName'], severityCounts }),
  },
  ACCOUNT: {
    groupBy: 'ACCOUNT',
    member: 'accountAggregation',
    filters: { findingType: 'findingType', resourceType: 'resourceType' },
    answer: (g, severityCounts) => ({ accountId: g.key['accountId'], severityCounts }),
  },
  AWS_EC2_INSTANCE: {
    groupBy: 'RESOURCE',
    member: 'ec2InstanceAggregation',
    scope: { resourceType: eq('HOST') },
    filters: { instanceIds: 'resourceId', instanceTags: 'resourceTags' },
    answer: (g, severityCounts) => ({
      instanceId: g.key['resourceId'],
      accountId: g.key['accountId'],
      severityCounts,
    }),
  },
  AWS_ECR_CONTAINER: {
    groupBy: 'RESOURCE',
    member: 'awsEcrContainerAggregation',
    scope: { resourceType: eq('CONTAINER_IMAGE') },
    filters: { resourceIds: 'resourceId', repositories: 'repositoryName' },
    answer: (g, severityCounts) => ({
      resourceId: g.key['resourceId'],
      accountId: g.key['accountId'],
      severityCounts,
    }),
  },
  IMAGE_LAYER: {
    groupBy: 'IMAGE_LAYER',
    member: 'imageLayerAggregation',
    filters: { resourceIds: 'resourceId', repositories: 'repositoryName' },
    answer: (g, severityCounts) => ({
      accountId: g.key['accountId'],
      layerHash: g.key['layerDigest'],
      repository: g.key['repositoryName'] ?? '',
      resourceId: g.key['resourceId'],
      severityCounts,
    }),
  },
  // vigil's titles name the package too, so findings are grouped by vulnerability id, the title's core.
  TITLE: {
    groupBy: 'VULNERABILITY',
    member: 'titleAggregation',
    filters: {
      vulnerabilityIds: 'vulnerabilityId',
      findingType: 'findingType',
      resourceType: 'resourceType',
    },
    answer: (g, severityCounts) => ({
      title: g.key['vulnerabilityId'],
      vulnerabilityId: g.key['vulnerabilityId'],
      severityCounts,
    }),
  },
};
export const SUPPORTED_AGGREGATIONS = Object.keys(KINDS);

/** A request member's value as vigil filters: enums (findingType, resourceType) become one EQUALS. */
function filtersOf(field: keyof FilterCriteria, value: unknown): StringFilter[] | MapFilter[] {
  if (field === 'resourceType' && typeof value === 'string') return eq(vigilResourceType(value) ?? value);
  if (typeof value === 'string') return eq(value);
  return value as StringFilter[];
}

function criteriaOf(kind: AggregationKind, type: string, request: Record<string, unknown>): FilterCriteria {
  const out: Record<string, unknown> = { ...kind.scope };
  for (const [name, value] of Object.entries(request)) {
    if (name === 'sortBy' || name === 'sortOrder') continue;
    const field = kind.filters[name];
    if (!field)
      throw invalidInput(
        `aggregationRequest.${kind.member}.${name} is not supported by vigil for ${type}`,
        `aggregationRequest.${kind.member}.${name}`,
      );
    const filters = filtersOf(field, value);
    out[field] = [...((out[field] as unknown[] | undefined) ?? []), ...filters];
  }
  return out;
}

interface Input {
  aggregationType: string;
  aggregationRequest?: Record<string, Record<string, unknown>>;
  accountIds?: StringFilter[];
  maxResults?: number;
  nextToken?: string;
}

/**
 * ListFindingAggregations = GET /v1/findings/aggregations: the same aggregation function (ACTIVE
 * findings unless a status is named, largest count first), in Inspector's response shapes.
 */
export const listFindingAggregationsOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input }) => {
    const q = input as unknown as Input;
    const kind = KINDS[q.aggregationType];
    if (!kind)
      throw invalidInput(
        `aggregationType ${q.aggregationType} is not supported by vigil; supported: ${SUPPORTED_AGGREGATIONS.join(', ')}`,
        'aggregationType',
      );
    const requestMembers = Object.keys(q.aggregationRequest ?? {});
    if (requestMembers.some((m) => m !== kind.member))
      throw invalidInput(
        `aggregationRequest must be ${kind.member} for ${q.aggregationType}`,
        'aggregationRequest',
      );
    const request = q.aggregationRequest?.[kind.member] ?? {};
    if (request['sortOrder'] === 'ASC')
      throw invalidInput('vigil orders aggregations largest count first (sortOrder DESC)', 'sortOrder');
    const sortBy = (request['sortBy'] as string | undefined) ?? 'ALL';
    if (!['ALL', 'CRITICAL', 'HIGH'].includes(sortBy))
      throw invalidInput(`sortBy ${sortBy} is not supported by vigil (ALL, CRITICAL, HIGH)`, 'sortBy');
    const criteria = criteriaOf(kind, q.aggregationType, request);
    if (q.accountIds?.length) criteria.accountId = q.accountIds;
    const page = await aggregateFindings(ctx.db, {
      accountIds: principal.visibleAccountIds,
      groupBy: kind.groupBy,
      criteria,
      sortBy: sortBy as 'ALL' | 'CRITICAL' | 'HIGH',
      limit: q.maxResults ?? 100,
      ...(q.nextToken ? { nextToken: q.nextToken } : {}),
    });
    return {
      aggregationType: q.aggregationType,
      responses: page.groups.map((g) => {
        const c = g.severityCounts;
        const counts = { all: c.all, critical: c.critical, high: c.high, medium: c.medium };
        return { [kind.member]: kind.answer(g, counts) };
      }),
      ...(page.nextToken ? { nextToken: page.nextToken } : {}),
    };
  },
};

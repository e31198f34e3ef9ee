import { sql, type Kysely, type RawBuilder } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import type { FindingTable, ServiceDatabase } from '../store/service-db-schema.js';
import { criteriaWhere } from './filter-criteria-sql.js';
import type { FilterCriteria } from './filter-criteria.js';

/** What a group is keyed by: API name → findings column. RESOURCE needs the account (ids are per account). */
export const GROUP_KEYS = {
  SEVERITY: { severity: 'severity' },
  VULNERABILITY: { vulnerabilityId: 'vulnerability_id' },
  PACKAGE: { packageName: 'package_name' },
  RESOURCE: { accountId: 'account_id', resourceId: 'resource_id' },
  REPOSITORY: { repositoryName: 'repository_name' },
  /** An image's layer (the one that added the package), with the image and its repository. */
  IMAGE_LAYER: {
    accountId: 'account_id',
    layerDigest: 'layer_digest',
    resourceId: 'resource_id',
    repositoryName: 'repository_name',
  },
  ACCOUNT: { accountId: 'account_id' },
} as const satisfies Record<string, Record<string, keyof FindingTable>>;
export type GroupBy = keyof typeof GROUP_KEYS;

/** Key columns that may be null in a group (an image scanned from an archive has no repository). */
const OPTIONAL_KEY_COLUMNS: ReadonlySet<keyof FindingTable> = new Set(['repository_name']);

/** Count columns: the select alias of each, and the severity it counts (undefined = every finding). */
export const COUNTS = {
  all: undefined,
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  informational: 'INFORMATIONAL',
  untriaged: 'UNTRIAGED',
} as const;
export type CountName = keyof typeof COUNTS;
export const SORT_COUNTS = { ALL: 'all', CRITICAL: 'critical', HIGH: 'high' } as const;

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
    throw new ValidationError('nextToken is not a token this server issued');
  return n;
}

export interface AggregationQuery {
  /** The accounts the caller may see. */
  accountIds: readonly string[];
  groupBy: GroupBy;
  criteria: FilterCriteria;
  sortBy: keyof typeof SORT_COUNTS;
  limit: number;
  nextToken?: string;
}

export interface AggregationPage {
  groupBy: GroupBy;
  groups: Array<{ key: Record<string, string>; severityCounts: Record<CountName, number> }>;
  nextToken?: string;
}

/**
 * The visible accounts' findings (FilterCriteria; ACTIVE only unless the filter names findingStatus)
 * grouped by one dimension, with per-severity counts, sorted by the chosen count, largest first.
 * Findings without the dimension (no package for a network finding, no repository for a host) belong
 * to no group.
 */
export async function aggregateFindings(
  db: Kysely<ServiceDatabase>,
  q: AggregationQuery,
): Promise<AggregationPage> {
  const limit = q.limit;
  const offset = decodeOffset(q.nextToken);
  const keys = Object.entries(GROUP_KEYS[q.groupBy]) as Array<[string, keyof FindingTable]>;
  const cols = keys.map(([, col]) => col);
  const sortAlias = SORT_COUNTS[q.sortBy];
  let query = db
    .selectFrom('findings')
    .select(cols)
    .select(Object.entries(COUNTS).map(([alias, sev]) => countExpr(sev).as(alias)))
    .where('account_id', 'in', q.accountIds)
    .where(criteriaWhere(withDefaultStatus(q.criteria)))
    .groupBy(cols)
    .orderBy(sql.ref(sortAlias), 'desc')
    .limit(limit + 1)
    .offset(offset);
  for (const col of cols) {
    if (cols.length === 1 || !OPTIONAL_KEY_COLUMNS.has(col)) query = query.where(col, 'is not', null);
    query = query.orderBy(col, 'asc');
  }
  const rows = (await query.execute()) as Array<Record<string, unknown>>;
  const groups = rows.slice(0, limit).map((row) => ({
    key: Object.fromEntries(
      keys.flatMap(([name, col]): Array<[string, string]> => {
        const v = row[col] as string | number | null;
        return v === null ? [] : [[name, String(v)]];
      }),
    ),
    severityCounts: Object.fromEntries(Object.keys(COUNTS).map((c) => [c, Number(row[c] ?? 0)])) as Record<
      CountName,
      number
    >,
  }));
  return {
    groupBy: q.groupBy,
    groups,
    ...(rows.length > limit ? { nextToken: Buffer.from(String(offset + limit)).toString('base64url') } : {}),
  };
}

import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { criteriaWhere, prefixByRange, type PrefixSql } from './filter-criteria-sql.js';
import type { FilterCriteria } from './filter-criteria.js';
import { findingJson, findingOfRow } from './finding-rows.js';
import {
  afterCursor,
  decodeCursor,
  encodeCursor,
  sortKey,
  type SortField,
  type SortOrder,
} from './finding-sort.js';
import type { Finding } from './finding-types.js';
import { planRanges, type RangePlan } from './range-plan.js';

type Db = Kysely<ServiceDatabase>;

export interface FindingListQuery {
  /** The accounts the caller may see: every query is limited to them. */
  accountIds: readonly string[];
  criteria: FilterCriteria;
  limit: number;
  sortBy: SortField;
  sortOrder: SortOrder;
  nextToken?: string;
}

export interface FindingPage {
  findings: Finding[];
  nextToken?: string;
}

/** One finding of a visible account; undefined for any other id, whether it exists elsewhere or not. */
export async function getFinding(
  db: Db,
  accountIds: readonly string[],
  id: string,
): Promise<Finding | undefined> {
  const row = await db
    .selectFrom('findings')
    .select(['last_observed_at', findingJson()])
    .where('id', '=', id)
    .where('account_id', 'in', accountIds)
    .executeTakeFirst();
  return row ? findingOfRow(row) : undefined;
}

/**
 * The first read of listFindings: ids and sort keys of one page plus one row, over index columns only.
 * `prefix` is for the bench's before/after of PREFIX (filter-criteria-sql.ts); the service uses the
 * default. `plan` is range-plan.ts's choice for indexed ranges; without one the planner guesses.
 */
export function findingKeysQuery(
  db: Db,
  q: FindingListQuery,
  prefix: PrefixSql = prefixByRange,
  plan?: RangePlan,
) {
  const dir = q.sortOrder === 'ASC' ? 'asc' : 'desc';
  let query = db
    .selectFrom('findings')
    .select(['id', sortKey(q.sortBy).as('sort_key')])
    .where('account_id', 'in', q.accountIds)
    .where(criteriaWhere(q.criteria, prefix, plan?.walk))
    .orderBy(sortKey(q.sortBy), dir)
    .orderBy('id', dir)
    .limit(q.limit + 1);
  if (plan?.ids) query = query.where('id', 'in', plan.ids.length ? plan.ids : ['']);
  return q.nextToken ? query.where(afterCursor(q.sortBy, q.sortOrder, decodeCursor(q.nextToken))) : query;
}

/**
 * FilterCriteria over the visible accounts, sorted, keyset-paginated. Keys first, documents after: the
 * filter and sort run over index columns only, and only one page of finding JSON (~2 KB each) is read,
 * not every candidate's before the sort.
 */
export async function listFindings(db: Db, q: FindingListQuery): Promise<FindingPage> {
  const plan = await planRanges(db, q.accountIds, q.criteria, q.sortBy);
  const rows = await findingKeysQuery(db, q, prefixByRange, plan).execute();
  const page = rows.slice(0, q.limit);
  const last = page[page.length - 1];
  const docs = page.length
    ? await db
        .selectFrom('findings')
        .select(['id', 'last_observed_at', findingJson()])
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
    ...(rows.length > q.limit && last ? { nextToken: encodeCursor({ v: last.sort_key, id: last.id }) } : {}),
  };
}

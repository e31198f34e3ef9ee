import { CompiledQuery, SqliteAdapter, type Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { criteriaWhere } from './filter-criteria-sql.js';
import type { FilterCriteria } from './filter-criteria.js';
import type { SortField } from './finding-sort.js';

type Db = Kysely<ServiceDatabase>;
type RangedField = 'inspectorScore' | 'lastObservedAt';
type RangedCol = 'score' | 'last_observed_at';

/** The ranges an index of migration 0020 serves, with that index. */
const RANGED: ReadonlyArray<{ field: RangedField; col: RangedCol; index: string }> = [
  { field: 'inspectorScore', col: 'score', index: 'findings_score_range' },
  { field: 'lastObservedAt', col: 'last_observed_at', index: 'findings_last_observed_range' },
];

/**
 * Past this many ids a range counts as wide. Both plans then cost about the same at a million findings:
 * reading 5,000 ids by primary key, or walking the sort order until a page of rows passes a range
 * that holds at least 0.5% of them (about 20,000 rows for a page of 100).
 */
export const PROBE_LIMIT = 5000;

/**
 * How the list query treats its indexed ranges. `ids`: the range is narrow and these are all the
 * visible findings in it, so the query reads them by id. `walk`: range columns the query must filter
 * without their index, so the planner walks the sort order (a wide range) or reads `ids` instead.
 */
export interface RangePlan {
  ids?: string[];
  walk: ReadonlySet<RangedCol>;
}

const NO_PLAN: RangePlan = { walk: new Set() };

/**
 * Neither SQLite's planner nor PostgreSQL's can tell a narrow range from a wide one well enough to
 * choose between "range index, then sort" and "walk the sort order, filter": each guess costs 0.3–0.8 s
 * p95 at a million findings when it is wrong (README "Service benchmark"). A bounded probe of the
 * range's own index is exact and cheap: at most PROBE_LIMIT + 1 index entries, no table rows.
 * A range on the sort field itself is left alone: its index already walks the sort order.
 */
export async function planRanges(
  db: Db,
  accountIds: readonly string[],
  criteria: FilterCriteria,
  sortBy: SortField,
): Promise<RangePlan> {
  const ranged = RANGED.filter((r) => criteria[r.field]?.length && r.field !== sortBy);
  if (ranged.length === 0 || accountIds.length === 0) return NO_PLAN;
  let narrowest: string[] | undefined;
  for (const r of ranged) {
    const ids = await probe(db, accountIds, { [r.field]: criteria[r.field] }, r.index);
    if (ids.length <= PROBE_LIMIT && (!narrowest || ids.length < narrowest.length)) narrowest = ids;
  }
  const walk = new Set(ranged.map((r) => r.col));
  return narrowest ? { ids: narrowest, walk } : { walk };
}

/** Up to PROBE_LIMIT + 1 visible ids in one range, read from its index (named to SQLite, which may not pick it). */
async function probe(
  db: Db,
  accountIds: readonly string[],
  criteria: FilterCriteria,
  index: string,
): Promise<string[]> {
  const query = db
    .selectFrom('findings')
    .select('id')
    .where('account_id', 'in', accountIds)
    .where(criteriaWhere(criteria))
    .limit(PROBE_LIMIT + 1)
    .compile();
  const sqlite = db.getExecutor().adapter instanceof SqliteAdapter;
  // Kysely has no INDEXED BY; the compiled text names the table exactly once, as `from "findings"`.
  const text = sqlite
    ? query.sql.replace('from "findings"', `from "findings" indexed by "${index}"`)
    : query.sql;
  const { rows } = await db.executeQuery<{ id: string }>(CompiledQuery.raw(text, [...query.parameters]));
  return rows.map((r) => r.id);
}

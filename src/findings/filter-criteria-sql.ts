import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import {
  DATE_FIELDS,
  isPositive,
  normalizeOptionalDate,
  NUMBER_FIELDS,
  PORT_MAX,
  PORT_MIN,
  STRING_FIELDS,
  type DateField,
  type FilterCriteria,
  type MapFilter,
  type NumberField,
  type PortRangeFilter,
  type StringField,
  type StringFilter,
} from './filter-criteria.js';
import { prefixUpperBound, storedForm } from './prefix-range.js';

type Eb = ExpressionBuilder<ServiceDatabase, 'findings'>;
type Col = keyof ServiceDatabase['findings'];
type Cond = Expression<SqlBool>;

const NO_COLUMNS: ReadonlySet<Col> = new Set();

/** How a PREFIX comparison becomes SQL: prefixByRange (what the service runs) or prefixBySubstr. */
export type PrefixSql = (eb: Eb, col: Col, value: string) => Cond;

/**
 * The SQL face of the one FilterCriteria evaluator (semantics in filter-criteria.ts): a where-expression
 * over the findings table, the same SQL on SQLite and PostgreSQL. PREFIX is a byte range (prefixByRange),
 * which an index serves; not LIKE (SQLite's ignores ASCII case, PostgreSQL's does not; `%`, `_` and the
 * escape character would need escaping) and not prefixBySubstr (exact, but no index serves it: 2.9 s
 * p95 over a million findings).
 */
export function criteriaWhere(
  criteria: FilterCriteria,
  prefix: PrefixSql = prefixByRange,
  walk: ReadonlySet<Col> = NO_COLUMNS,
): (eb: Eb) => Cond {
  return (eb) => {
    const parts: Cond[] = [];
    for (const [field, col] of Object.entries(STRING_FIELDS) as Array<[StringField, Col]>) {
      const filters = criteria[field];
      if (filters?.length) parts.push(stringCond(eb, col, filters, prefix));
    }
    for (const [field, col] of Object.entries(NUMBER_FIELDS) as Array<[NumberField, Col]>) {
      const filters = criteria[field];
      if (filters?.length)
        parts.push(eb.or(filters.map((r) => rangeCond(eb, col, r.lowerInclusive, r.upperInclusive, walk))));
    }
    for (const [field, col] of Object.entries(DATE_FIELDS) as Array<[DateField, Col]>) {
      const filters = criteria[field];
      if (filters?.length) {
        parts.push(
          eb.or(
            filters.map((r) =>
              rangeCond(
                eb,
                col,
                normalizeOptionalDate(r.startInclusive),
                normalizeOptionalDate(r.endInclusive),
                walk,
              ),
            ),
          ),
        );
      }
    }
    if (criteria.resourceTags?.length) parts.push(tagsCond(eb, criteria.resourceTags));
    if (criteria.portRange?.length) parts.push(eb.or(criteria.portRange.map((r) => portCond(eb, r))));
    return eb.and(parts);
  };
}

/** The finding's resource has one of these tags: one indexed EXISTS over resource_tags. */
function tagsCond(eb: Eb, filters: readonly MapFilter[]): Cond {
  return eb.exists(
    eb
      .selectFrom('resource_tags')
      .select(sql<number>`1`.as('one'))
      .whereRef('resource_tags.account_id', '=', 'findings.account_id')
      .whereRef('resource_tags.resource_id', '=', 'findings.resource_id')
      .where((tb) =>
        tb.or(
          filters.map((f) =>
            f.value === undefined
              ? tb('resource_tags.key', '=', f.key)
              : tb.and([tb('resource_tags.key', '=', f.key), tb('resource_tags.value', '=', f.value)]),
          ),
        ),
      ),
  );
}

/**
 * The finding's open port range overlaps the filter's. `port_begin <= end` leads, so the index on
 * (port_begin, port_end, …) serves it as a range; package findings (null ports) never match.
 */
function portCond(eb: Eb, r: PortRangeFilter): Cond {
  return eb.and([
    eb('port_begin', 'is not', null),
    eb('port_begin', '<=', r.endInclusive ?? PORT_MAX),
    eb('port_end', '>=', r.beginInclusive ?? PORT_MIN),
  ]);
}

function stringCond(eb: Eb, col: Col, filters: readonly StringFilter[], prefix: PrefixSql): Cond {
  const pos = filters
    .filter(isPositive)
    .map((f) => (f.comparison === 'EQUALS' ? eb(col, '=', f.value) : prefix(eb, col, f.value)));
  const neg = filters
    .filter((f) => !isPositive(f))
    .map((f) => eb.or([eb(col, 'is', null), eb(col, '<>', f.value)]));
  return eb.and([...(pos.length ? [eb.or(pos)] : []), ...neg]);
}

/**
 * `col >= v AND col < prefixUpperBound(v)` under the collation named "binary": SQLite's built-in
 * BINARY (memcmp of the UTF-8), and on PostgreSQL a copy of "C" (byte order) that migration
 * findings-filter-indexes creates, whatever the database's default collation. UTF-8 byte order is
 * code point order, so the range holds exactly the values that start with v (prefix-range.ts); SQLite
 * serves it from the column's index, PostgreSQL from an index on `col COLLATE "binary"`.
 */
export const prefixByRange: PrefixSql = (eb, col, value) => {
  const bytes = sql<string>`${eb.ref(col)} collate "binary"`;
  const upper = prefixUpperBound(value);
  const from = eb(bytes, '>=', value);
  return upper === undefined ? from : eb.and([from, eb(bytes, '<', upper)]);
};

/**
 * `substr(col, 1, n) = v`, n the code points of v: what the service ran before prefixByRange. Exact on
 * both databases (no wildcards, no collation: substr counts characters, = on a deterministic
 * collation compares bytes), but no index serves it. Kept as the reference the tests compare the
 * range against and the "before" of `npm run bench -- service`.
 */
export const prefixBySubstr: PrefixSql = (eb, col, value) =>
  eb(sql<string>`substr(${eb.ref(col)}, 1, ${[...storedForm(value)].length})`, '=', value);

/**
 * A range on a column in `walk` is written as `col + 0` / `col || ''`: the same values, but no index
 * serves the expression, so the planner keeps the plan range-plan.ts chose (walk the sort order, or
 * read the probed ids) instead of a guess of its own.
 */
function rangeCond<T extends string | number>(
  eb: Eb,
  col: Col,
  lo: T | undefined,
  hi: T | undefined,
  walk: ReadonlySet<Col>,
): Cond {
  const bare = typeof (lo ?? hi) === 'number' ? sql<T>`${eb.ref(col)} + 0` : sql<T>`${eb.ref(col)} || ''`;
  const face = walk.has(col) ? bare : eb.ref(col);
  const conds: Cond[] = [eb(col, 'is not', null)];
  if (lo !== undefined) conds.push(eb(face, '>=', lo));
  if (hi !== undefined) conds.push(eb(face, '<=', hi));
  return eb.and(conds);
}

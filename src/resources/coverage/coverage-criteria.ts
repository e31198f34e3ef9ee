import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import {
  isPositive,
  normalizeOptionalDate,
  type DateFilter,
  type StringFilter,
} from '../../findings/filter-criteria.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

/**
 * Inspector's CoverageFilterCriteria, with the semantics of the findings' FilterCriteria (one set of
 * rules for both): fields combine with AND; within a string field EQUALS/PREFIX filters combine with
 * OR and NOT_EQUALS filters with AND; date ranges combine with OR, bounds inclusive, a resource never
 * scanned matches no lastScannedAt range.
 */
export const COVERAGE_STRING_FIELDS = {
  accountId: 'account_id',
  resourceId: 'resource_id',
  resourceType: 'resource_type',
  scanType: 'scan_type',
  scanStatusCode: 'status',
  scanStatusReason: 'reason',
} as const;
export type CoverageStringField = keyof typeof COVERAGE_STRING_FIELDS;

export type CoverageCriteria = { [K in CoverageStringField]?: StringFilter[] } & {
  lastScannedAt?: DateFilter[];
};

type Eb = ExpressionBuilder<ServiceDatabase, 'coverage'>;
type Col = keyof ServiceDatabase['coverage'];
type Cond = Expression<SqlBool>;

/** The criteria as a where-expression over the coverage table, portable between the dialects. */
export function coverageWhere(criteria: CoverageCriteria): (eb: Eb) => Cond {
  return (eb) => {
    const parts: Cond[] = [];
    for (const [field, col] of Object.entries(COVERAGE_STRING_FIELDS) as Array<[CoverageStringField, Col]>) {
      const filters = criteria[field];
      if (filters?.length) parts.push(stringCond(eb, col, filters));
    }
    const dates = criteria.lastScannedAt;
    if (dates?.length) {
      parts.push(
        eb.or(
          dates.map((r) => {
            const lo = normalizeOptionalDate(r.startInclusive);
            const hi = normalizeOptionalDate(r.endInclusive);
            const conds: Cond[] = [eb('coverage.last_scanned_at', 'is not', null)];
            if (lo !== undefined) conds.push(eb('coverage.last_scanned_at', '>=', lo));
            if (hi !== undefined) conds.push(eb('coverage.last_scanned_at', '<=', hi));
            return eb.and(conds);
          }),
        ),
      );
    }
    return eb.and(parts);
  };
}

/** As the findings' SQL face: PREFIX is `substr(col, 1, n) = v`, byte for byte on both dialects. */
function stringCond(eb: Eb, col: Col, filters: readonly StringFilter[]): Cond {
  const ref = eb.ref(`coverage.${col}`);
  const pos = filters
    .filter(isPositive)
    .map((f) =>
      f.comparison === 'EQUALS'
        ? eb(ref, '=', f.value)
        : eb(sql<string>`substr(${ref}, 1, ${[...f.value].length})`, '=', f.value),
    );
  const neg = filters.filter((f) => !isPositive(f)).map((f) => eb(ref, '<>', f.value));
  return eb.and([...(pos.length ? [eb.or(pos)] : []), ...neg]);
}

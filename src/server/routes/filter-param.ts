import { Value } from '@sinclair/typebox/value';
import { isRealDateTime } from '../../core/date-time-text.js';
import { DATE_FIELDS, type DateField, type FilterCriteria } from '../../findings/filter-criteria.js';
import { jsonDepthExceeds } from '../../core/json-depth.js';
import { HttpError } from '../http/http-error.js';
import { jsonTooDeep, MAX_JSON_DEPTH } from '../http/json-body.js';
import { FilterCriteriaSchema } from './route-schemas.js';

/**
 * A FilterCriteria passed as a JSON query parameter (`?filter=…`), checked against the same schema a
 * JSON body is: 400 VALIDATION with the first errors in `details.errors`.
 */
export function parseFilterParam(raw: string | undefined): FilterCriteria {
  if (raw === undefined) return {};
  if (jsonDepthExceeds(raw, MAX_JSON_DEPTH)) throw jsonTooDeep();
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'VALIDATION', 'filter is not JSON');
  }
  if (!Value.Check(FilterCriteriaSchema, parsed)) {
    const errors = [...Value.Errors(FilterCriteriaSchema, parsed)]
      .slice(0, 10)
      .map((e) => ({ path: e.path, message: e.message }));
    throw new HttpError(400, 'VALIDATION', 'filter is not a valid FilterCriteria', { errors });
  }
  checkFilterDates(parsed, 'filter');
  return parsed;
}

/**
 * Every date of a FilterCriteria must be one the calendar has: the schema's pattern lets 2026-02-30
 * through, and Date would roll it into March. 400 VALIDATION naming the bound.
 */
export function checkFilterDates(filter: FilterCriteria, where: string): void {
  for (const field of Object.keys(DATE_FIELDS) as DateField[]) {
    for (const [i, range] of (filter[field] ?? []).entries()) {
      for (const bound of ['startInclusive', 'endInclusive'] as const) {
        const v = range[bound];
        if (v !== undefined && !isRealDateTime(v))
          throw new HttpError(400, 'VALIDATION', `${where}.${field}[${i}].${bound} is not a real date-time`, {
            path: `/${where}/${field}/${i}/${bound}`,
          });
      }
    }
  }
}

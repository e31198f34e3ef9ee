import { Value } from '@sinclair/typebox/value';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import { HttpError } from '../http/http-error.js';
import { FilterCriteriaSchema } from './route-schemas.js';

/**
 * A FilterCriteria passed as a JSON query parameter (`?filter=…`), checked against the same schema a
 * JSON body is: 400 VALIDATION with the first errors in `details.errors`.
 */
export function parseFilterParam(raw: string | undefined): FilterCriteria {
  if (raw === undefined) return {};
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
  return parsed;
}

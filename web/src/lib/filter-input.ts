import type { FilterCriteria, StringFilter } from '../api/api-types.js';
import { isDateField, isNumberField, isStringField, withFilter, type AnyField } from './filter-criteria.js';

/** What the add-filter form holds: a field, a comparison (string fields) and one or two values. */
export interface FilterInput {
  field: AnyField;
  comparison: StringFilter['comparison'];
  value: string;
  value2: string;
}

const toIso = (d: string, end: boolean): string | undefined =>
  d ? new Date(`${d}T${end ? '23:59:59.999' : '00:00:00.000'}Z`).toISOString() : undefined;
const toNum = (s: string): number | undefined =>
  s.trim() === '' || Number.isNaN(Number(s)) ? undefined : Number(s);

/** The criteria with the form's filter added, or undefined when the form holds no filter yet. */
export function withInput(criteria: FilterCriteria, input: FilterInput): FilterCriteria | undefined {
  const { field, comparison, value, value2 } = input;
  if (isStringField(field)) return value ? withFilter(criteria, field, { comparison, value }) : undefined;
  if (isNumberField(field) || field === 'portRange') {
    const lo = toNum(value);
    const hi = toNum(value2);
    if (lo === undefined && hi === undefined) return undefined;
    // The API names a port range's bounds as Inspector2's PortRangeFilter does.
    const [loKey, hiKey] =
      field === 'portRange' ? ['beginInclusive', 'endInclusive'] : ['lowerInclusive', 'upperInclusive'];
    return withFilter(criteria, field, {
      ...(lo !== undefined ? { [loKey]: lo } : {}),
      ...(hi !== undefined ? { [hiKey]: hi } : {}),
    });
  }
  if (isDateField(field)) {
    const lo = toIso(value, false);
    const hi = toIso(value2, true);
    if (!lo && !hi) return undefined;
    return withFilter(criteria, field, {
      ...(lo ? { startInclusive: lo } : {}),
      ...(hi ? { endInclusive: hi } : {}),
    });
  }
  if (!value) return undefined;
  return withFilter(criteria, 'resourceTags', {
    comparison: 'EQUALS',
    key: value,
    ...(value2 ? { value: value2 } : {}),
  });
}

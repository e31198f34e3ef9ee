import type {
  DateFilter,
  FilterCriteria,
  MapFilter,
  NumberFilter,
  PortRangeFilter,
  StringFilter,
} from '../../findings/filter-criteria.js';
import { AWS_RESOURCE_TYPES, awsResourceType, vigilResourceType } from './inspector2-arns.js';
import { invalidInput } from './inspector2-errors.js';

/**
 * Inspector's FilterCriteria ↔ vigil's, field by field. The request has been checked against the
 * model already (timestamps are ISO strings here). A field vigil cannot evaluate is refused with a
 * ValidationException naming it, never ignored: ignoring it would widen a list, a report or a
 * suppression rule beyond what the caller wrote.
 */
type AwsCriteria = Record<string, unknown>;

/** Inspector field → vigil field, same values. */
const STRING_FIELDS = {
  awsAccountId: 'accountId',
  findingType: 'findingType',
  findingStatus: 'findingStatus',
  severity: 'severity',
  vulnerabilityId: 'vulnerabilityId',
  resourceId: 'resourceId',
  ecrImageRepositoryName: 'repositoryName',
  fixAvailable: 'fixAvailable',
  exploitAvailable: 'exploitAvailable',
  networkProtocol: 'networkProtocol',
} as const;
const NUMBER_FIELDS = { inspectorScore: 'inspectorScore', epssScore: 'epssScore' } as const;
const DATE_FIELDS = {
  firstObservedAt: 'firstObservedAt',
  lastObservedAt: 'lastObservedAt',
  updatedAt: 'updatedAt',
} as const;
const OTHER_FIELDS = ['portRange', 'resourceType', 'resourceTags', 'vulnerablePackages'] as const;

/** Every Inspector filter field vigil evaluates (the README lists them). */
export const SUPPORTED_CRITERIA = [
  ...Object.keys(STRING_FIELDS),
  ...Object.keys(NUMBER_FIELDS),
  ...Object.keys(DATE_FIELDS),
  ...OTHER_FIELDS,
].sort();

/**
 * Resource types: each Inspector filter becomes filters on vigil's types. A PREFIX matches every
 * Inspector type name it prefixes (so `AWS_ECR` is images or repositories); a name vigil has no
 * resources of is kept as it is, which no vigil type equals (EQUALS matches nothing, NOT_EQUALS all).
 */
export function resourceTypeFilters(filters: readonly StringFilter[]): StringFilter[] {
  return filters.flatMap((f): StringFilter[] => {
    if (f.comparison !== 'PREFIX')
      return [{ comparison: f.comparison, value: vigilResourceType(f.value) ?? f.value }];
    const hits = AWS_RESOURCE_TYPES.filter((t) => t.startsWith(f.value));
    return hits.length
      ? hits.map((t) => ({ comparison: 'EQUALS' as const, value: vigilResourceType(t) ?? t }))
      : [{ comparison: 'EQUALS', value: f.value }];
  });
}

function packageNameFilters(filters: ReadonlyArray<Record<string, unknown>>): StringFilter[] {
  return filters.map((p, i) => {
    const other = Object.keys(p).filter((k) => k !== 'name');
    if (other.length > 0)
      throw invalidInput(
        `filterCriteria.vulnerablePackages[${i}].${other[0]} is not supported by vigil (only name is)`,
        `filterCriteria.vulnerablePackages[${i}].${other[0]}`,
      );
    if (!p['name'])
      throw invalidInput(
        'a vulnerablePackages filter needs a name',
        `filterCriteria.vulnerablePackages[${i}]`,
      );
    return p['name'] as StringFilter;
  });
}

export function vigilCriteria(aws: AwsCriteria | undefined, field = 'filterCriteria'): FilterCriteria {
  const out: FilterCriteria = {};
  for (const [name, value] of Object.entries(aws ?? {})) {
    if (!Array.isArray(value) || value.length === 0) continue;
    if (name in STRING_FIELDS)
      out[STRING_FIELDS[name as keyof typeof STRING_FIELDS]] = value as StringFilter[];
    else if (name in NUMBER_FIELDS)
      out[NUMBER_FIELDS[name as keyof typeof NUMBER_FIELDS]] = value as NumberFilter[];
    else if (name in DATE_FIELDS) out[DATE_FIELDS[name as keyof typeof DATE_FIELDS]] = value as DateFilter[];
    else if (name === 'resourceType') out.resourceType = resourceTypeFilters(value as StringFilter[]);
    else if (name === 'resourceTags') out.resourceTags = value as MapFilter[];
    else if (name === 'portRange') out.portRange = value as PortRangeFilter[];
    else if (name === 'vulnerablePackages')
      out.packageName = packageNameFilters(value as Array<Record<string, unknown>>);
    else
      throw invalidInput(
        `${field}.${name} is not supported by vigil; supported fields: ${SUPPORTED_CRITERIA.join(', ')}`,
        `${field}.${name}`,
      );
  }
  return out;
}

const epoch = (iso: string | undefined): number | undefined =>
  iso === undefined ? undefined : Date.parse(iso) / 1000;

/**
 * vigil's FilterCriteria in Inspector's words (ListFilters, report status). A vigil field with no
 * Inspector counterpart (packageManager) keeps its vigil name: SDKs drop it, raw JSON shows it.
 */
export function awsCriteria(c: FilterCriteria): AwsCriteria {
  const out: AwsCriteria = {};
  const reverse = <T extends Record<string, string>>(table: T): Record<string, string> =>
    Object.fromEntries(Object.entries(table).map(([aws, vigil]) => [vigil, aws]));
  const strings = reverse(STRING_FIELDS);
  const numbers = reverse(NUMBER_FIELDS);
  const dates = reverse(DATE_FIELDS);
  for (const [name, value] of Object.entries(c) as Array<[string, unknown[]]>) {
    if (!Array.isArray(value) || value.length === 0) continue;
    const s = strings[name];
    if (s) out[s] = value;
    else if (numbers[name]) out[numbers[name]] = value;
    else if (dates[name])
      out[dates[name]] = (value as DateFilter[]).map((d) => ({
        ...(d.startInclusive !== undefined ? { startInclusive: epoch(d.startInclusive) } : {}),
        ...(d.endInclusive !== undefined ? { endInclusive: epoch(d.endInclusive) } : {}),
      }));
    else if (name === 'resourceType')
      out['resourceType'] = (value as StringFilter[]).map((f) => ({ ...f, value: awsResourceType(f.value) }));
    else if (name === 'packageName') out['vulnerablePackages'] = value.map((f) => ({ name: f }));
    else out[name] = value;
  }
  return out;
}

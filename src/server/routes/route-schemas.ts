import { Type, type Static } from '@sinclair/typebox';
import { DATE_TIME_PATTERN } from '../../core/date-time-text.js';
import { CLEAN_ID_PATTERN } from '../../core/identifier-text.js';

/**
 * THE schema of an id wherever one enters, path parameters included: free text (host names, instance
 * ids, repositories with slashes) but never a control or bidi character (src/core/identifier-text.ts).
 */
export const IdString = (maxLength: number): ReturnType<typeof Type.String> =>
  Type.String({ minLength: 1, maxLength, pattern: CLEAN_ID_PATTERN });
export const AccountIdString = IdString(200);
export const ResourceIdString = IdString(500);

/**
 * Longest value of a string filter. Filters are stored (suppression rules, report requests) and a
 * value of megabytes would ride along with every evaluation; ids are at most 500 characters.
 */
const FILTER_VALUE_MAX = 1024;

export const StringFilter = Type.Object(
  {
    comparison: Type.Union([Type.Literal('EQUALS'), Type.Literal('PREFIX'), Type.Literal('NOT_EQUALS')]),
    value: Type.String({ maxLength: FILTER_VALUE_MAX }),
  },
  { additionalProperties: false },
);
const NumberFilter = Type.Object(
  { lowerInclusive: Type.Optional(Type.Number()), upperInclusive: Type.Optional(Type.Number()) },
  { additionalProperties: false },
);
/**
 * An RFC 3339 timestamp. A pattern, not `format: 'date-time'`: TypeBox's Value.Check (used on the
 * JSON `filter` query parameter) knows no format it was not given in a global registry, so with the
 * format every date filter was refused. The pattern refuses a leap second (:60); days a month does not
 * have (02-30) are refused by `isRealDateTime` where the value is used (filter-dates.ts).
 */
export const DateTimeString = Type.String({
  pattern: DATE_TIME_PATTERN,
  description: 'RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z',
});
export const DateFilter = Type.Object(
  { startInclusive: Type.Optional(DateTimeString), endInclusive: Type.Optional(DateTimeString) },
  { additionalProperties: false },
);
const MapFilter = Type.Object(
  {
    comparison: Type.Literal('EQUALS'),
    key: Type.String({ minLength: 1, maxLength: 128 }),
    value: Type.Optional(Type.String({ maxLength: 256 })),
  },
  { additionalProperties: false },
);
/** Inspector's PortRangeFilter: findings whose open port range overlaps this one. */
const PortRangeFilter = Type.Object(
  {
    beginInclusive: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
    endInclusive: Type.Optional(Type.Integer({ minimum: 0, maximum: 65535 })),
  },
  { additionalProperties: false },
);
const strings = Type.Optional(Type.Array(StringFilter, { maxItems: 20 }));
const numbers = Type.Optional(Type.Array(NumberFilter, { maxItems: 20 }));
const dates = Type.Optional(Type.Array(DateFilter, { maxItems: 20 }));

/** FilterCriteria as a JSON schema (the TypeScript type lives in src/findings/filter-criteria.ts). */
export const FilterCriteriaSchema = Type.Object(
  {
    accountId: strings,
    findingType: strings,
    findingStatus: strings,
    severity: strings,
    vulnerabilityId: strings,
    packageName: strings,
    resourceId: strings,
    resourceType: strings,
    repositoryName: strings,
    packageManager: strings,
    fixAvailable: strings,
    exploitAvailable: strings,
    networkProtocol: strings,
    inspectorScore: numbers,
    epssScore: numbers,
    firstObservedAt: dates,
    lastObservedAt: dates,
    updatedAt: dates,
    resourceTags: Type.Optional(Type.Array(MapFilter, { maxItems: 20 })),
    portRange: Type.Optional(Type.Array(PortRangeFilter, { maxItems: 20 })),
  },
  { additionalProperties: false, $id: 'FilterCriteria' },
);

export const ErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const AccountParams = Type.Object({ accountId: AccountIdString });
export type AccountParamsT = Static<typeof AccountParams>;
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  429: ErrorSchema,
};

import { Type, type Static } from '@sinclair/typebox';

const StringFilter = Type.Object(
  {
    comparison: Type.Union([Type.Literal('EQUALS'), Type.Literal('PREFIX'), Type.Literal('NOT_EQUALS')]),
    value: Type.String(),
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
 * format every date filter was refused. Calendar overflow (02-30) rolls over as Date does.
 */
export const DateTimeString = Type.String({
  pattern:
    '^\\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\\d|3[01])T([01]\\d|2[0-3]):[0-5]\\d(:[0-5]\\d(\\.\\d{1,9})?)?(Z|[+-]([01]\\d|2[0-3]):[0-5]\\d)$',
  description: 'RFC 3339 date-time, e.g. 2026-01-31T12:00:00Z',
});
const DateFilter = Type.Object(
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
    inspectorScore: numbers,
    epssScore: numbers,
    firstObservedAt: dates,
    lastObservedAt: dates,
    updatedAt: dates,
    resourceTags: Type.Optional(Type.Array(MapFilter, { maxItems: 20 })),
  },
  { additionalProperties: false, $id: 'FilterCriteria' },
);

export const ErrorSchema = Type.Object({
  code: Type.String(),
  message: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});
export const AccountParams = Type.Object({ accountId: Type.String({ minLength: 1, maxLength: 200 }) });
export type AccountParamsT = Static<typeof AccountParams>;
export const errorResponses = {
  400: ErrorSchema,
  401: ErrorSchema,
  403: ErrorSchema,
  404: ErrorSchema,
  429: ErrorSchema,
};

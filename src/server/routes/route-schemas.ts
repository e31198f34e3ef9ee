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
const DateFilter = Type.Object(
  {
    startInclusive: Type.Optional(Type.String({ format: 'date-time' })),
    endInclusive: Type.Optional(Type.String({ format: 'date-time' })),
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
    fixAvailable: strings,
    exploitAvailable: strings,
    inspectorScore: numbers,
    epssScore: numbers,
    firstObservedAt: dates,
    lastObservedAt: dates,
    updatedAt: dates,
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
export const errorResponses = { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema };

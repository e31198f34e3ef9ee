import { Type, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { HttpError } from '../http/http-error.js';
import { FilterCriteriaSchema, IdString } from './route-schemas.js';
import { FINDINGS_REPORT_FORMATS, SBOM_REPORT_FORMATS } from '../../reports/exports/report-types.js';

const literals = (xs: readonly string[]): TSchema => Type.Union(xs.map((x) => Type.Literal(x)));

/** The resource fields of FilterCriteria, with their exact schemas (same comparisons, same limits). */
export const ResourceFilterSchema = Type.Object(
  {
    accountId: FilterCriteriaSchema.properties.accountId,
    resourceId: FilterCriteriaSchema.properties.resourceId,
    resourceType: FilterCriteriaSchema.properties.resourceType,
    resourceTags: FilterCriteriaSchema.properties.resourceTags,
  },
  { additionalProperties: false },
);

/*
 * Filters are declared `unknown` in the body schemas and checked by the handler: Fastify's validator
 * would silently DROP a misspelled field (removeAdditional), widening the report to everything.
 */
export const CreateFindingsReportBody = Type.Object({
  format: literals(FINDINGS_REPORT_FORMATS),
  filter: Type.Optional(
    Type.Unknown({
      description:
        'FilterCriteria, as for GET /v1/findings. Without a findingStatus filter, only ACTIVE findings.',
    }),
  ),
});

export const CreateSbomReportBody = Type.Object({
  format: literals(SBOM_REPORT_FORMATS),
  resourceFilter: Type.Optional(
    Type.Unknown({
      description:
        'Which resources: { accountId?, resourceId?, resourceType?, resourceTags? }, with the ' +
        'meaning and shape these fields have in FilterCriteria.',
    }),
  ),
});

export const ReportCreated = Type.Object({ reportId: Type.String(), status: Type.Literal('QUEUED') });

export const ReportParams = Type.Object({ reportId: IdString(100) });

export const ReportStatus = Type.Object({
  reportId: Type.String(),
  kind: Type.Union([Type.Literal('FINDINGS'), Type.Literal('SBOM')]),
  format: Type.String(),
  status: literals(['QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED']),
  createdAt: Type.String(),
  startedAt: Type.Optional(Type.String()),
  finishedAt: Type.Optional(Type.String()),
  /** Bytes of the content, once SUCCEEDED. */
  size: Type.Optional(Type.Integer()),
  contentType: Type.Optional(Type.String()),
  error: Type.Optional(Type.Object({ code: Type.String(), message: Type.String() })),
  filter: Type.Optional(Type.Unknown()),
  resourceFilter: Type.Optional(Type.Unknown()),
});

/** Checks a filter against its schema; a 400 VALIDATION lists where it is wrong. */
export function checkFilter<T>(schema: TSchema, value: unknown, what: string): T {
  if (value === undefined) return {} as T;
  if (!Value.Check(schema, value)) {
    const errors = [...Value.Errors(schema, value)]
      .slice(0, 10)
      .map((e) => ({ path: `/${what}${e.path}`, message: e.message }));
    throw new HttpError(400, 'VALIDATION', `${what} is not valid`, { errors });
  }
  return value as T;
}

import { Type, type Static } from '@sinclair/typebox';
import { AccountIdString, IdString } from './route-schemas.js';

/** The shapes of the Classic assessment routes (Inspector Classic's targets, templates and runs). */

export const TargetBody = Type.Unknown({
  description: '{name, resourceTags?: {key: [values]}} (no tags: every host of the account)',
});
export const TemplateBody = Type.Unknown({
  description:
    '{name, assessmentTargetId, rulesPackages: [CVE|CIS|NETWORK_REACHABILITY|SECURITY_BEST_PRACTICES], durationInSeconds, userAttributes?: [{key, value}], eventSubscriptions?: [ASSESSMENT_RUN_STARTED|ASSESSMENT_RUN_COMPLETED|FINDING_REPORTED], schedule?: {cron, timezone}}',
});

const Tags = Type.Record(Type.String(), Type.Array(Type.String()));
const Attribute = Type.Object({ key: Type.String(), value: Type.String() });

export const Target = Type.Object({
  assessmentTargetId: Type.String(),
  accountId: Type.String(),
  name: Type.String(),
  resourceTags: Tags,
  createdAt: Type.String(),
});

export const Template = Type.Object({
  assessmentTemplateId: Type.String(),
  accountId: Type.String(),
  name: Type.String(),
  assessmentTargetId: Type.String(),
  rulesPackages: Type.Array(Type.String()),
  durationInSeconds: Type.Integer(),
  userAttributes: Type.Array(Attribute),
  eventSubscriptions: Type.Array(Type.String()),
  schedule: Type.Optional(Type.Object({ cron: Type.String(), timezone: Type.String() })),
  nextRunAt: Type.Optional(Type.String()),
  createdAt: Type.String(),
});

const PackageResult = Type.Object({ findingCount: Type.Integer(), findingIds: Type.Array(Type.String()) });

export const Run = Type.Object({
  assessmentRunId: Type.String(),
  accountId: Type.String(),
  assessmentTemplateId: Type.String(),
  name: Type.String(),
  state: Type.String({ description: 'CREATED | COLLECTING_DATA | EVALUATING_RULES | COMPLETED | FAILED' }),
  stateReason: Type.Optional(Type.String()),
  trigger: Type.String({ description: 'MANUAL | SCHEDULE' }),
  rulesPackages: Type.Array(Type.String()),
  durationInSeconds: Type.Integer(),
  userAttributesForFindings: Type.Array(Attribute),
  stateChanges: Type.Array(Type.Object({ state: Type.String(), at: Type.String() })),
  cisScanId: Type.Optional(Type.String()),
  resourceIds: Type.Array(Type.String()),
  exclusions: Type.Array(
    Type.Object({
      resourceId: Type.String(),
      reason: Type.String({ description: 'NO_AGENT | UNSUPPORTED_OS | AGENT_OFFLINE' }),
      message: Type.String(),
    }),
  ),
  packages: Type.Optional(Type.Record(Type.String(), PackageResult)),
  createdAt: Type.String(),
  completedAt: Type.Optional(Type.String()),
});

export const TargetParams = Type.Object({ accountId: AccountIdString, assessmentTargetId: IdString(200) });
export type TargetParamsT = Static<typeof TargetParams>;
export const TemplateParams = Type.Object({
  accountId: AccountIdString,
  assessmentTemplateId: IdString(200),
});
export type TemplateParamsT = Static<typeof TemplateParams>;
export const RunParams = Type.Object({ accountId: AccountIdString, assessmentRunId: IdString(200) });
export type RunParamsT = Static<typeof RunParams>;
export const RunListQuery = Type.Object({ assessmentTemplateId: Type.Optional(IdString(200)) });
export type RunListQueryT = Static<typeof RunListQuery>;

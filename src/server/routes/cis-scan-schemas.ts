import { Type, type Static } from '@sinclair/typebox';
import { AccountIdString, IdString, ResourceIdString } from './route-schemas.js';

/** The shapes of the CIS scan routes (Inspector v2's CisScanConfiguration, CisScan and results). */

const Time = Type.Object({ timeOfDay: Type.String(), timezone: Type.String() });
const Day = Type.String({ description: 'SUN … SAT' });
export const Schedule = Type.Union(
  [
    Type.Object({ oneTime: Type.Object({}) }),
    Type.Object({ daily: Type.Object({ startTime: Time }) }),
    Type.Object({ weekly: Type.Object({ startTime: Time, days: Type.Array(Day) }) }),
    Type.Object({ monthly: Type.Object({ startTime: Time, day: Day }) }),
  ],
  {
    description:
      'Exactly one of oneTime, daily, weekly, monthly (croner computes the next run in its timezone)',
  },
);
const Targets = Type.Object({
  accountIds: Type.Array(Type.String()),
  targetResourceTags: Type.Record(Type.String(), Type.Array(Type.String())),
});

export const ConfigBody = Type.Unknown({
  description:
    '{scanName, securityLevel: LEVEL_1|LEVEL_2, schedule, targets?: {accountIds?, targetResourceTags?}}; checked with a JSON path in every problem',
});

export const Config = Type.Object({
  scanConfigurationId: Type.String(),
  accountId: Type.String(),
  scanName: Type.String(),
  securityLevel: Type.String(),
  schedule: Schedule,
  targets: Targets,
  nextRunAt: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});

export const ConfigParams = Type.Object({ accountId: AccountIdString, scanConfigurationId: IdString(200) });
export type ConfigParamsT = Static<typeof ConfigParams>;
export const ScanParams = Type.Object({ accountId: AccountIdString, cisScanId: IdString(200) });
export type ScanParamsT = Static<typeof ScanParams>;
export const ScanResourceParams = Type.Object({
  accountId: AccountIdString,
  cisScanId: IdString(200),
  resourceId: ResourceIdString,
});
export type ScanResourceParamsT = Static<typeof ScanResourceParams>;

export const ScanListQuery = Type.Object({
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  scanConfigurationId: Type.Optional(IdString(200)),
});
export type ScanListQueryT = Static<typeof ScanListQuery>;

export const Scan = Type.Object({
  scanId: Type.String(),
  accountId: Type.String(),
  scanConfigurationId: Type.Optional(Type.String()),
  scanName: Type.String(),
  securityLevel: Type.String(),
  status: Type.String({ description: 'IN_PROGRESS | COMPLETED | FAILED | CANCELLED' }),
  statusReason: Type.Optional(Type.String()),
  scanDate: Type.String(),
  finishedAt: Type.Optional(Type.String()),
  totalChecks: Type.Integer({ description: 'distinct checks evaluated' }),
  failedChecks: Type.Integer({ description: 'distinct checks that failed on at least one host' }),
  targets: Type.Object({
    total: Type.Integer(),
    pending: Type.Integer(),
    completed: Type.Integer(),
    skipped: Type.Integer(),
    failed: Type.Integer(),
  }),
});

const StatusCounts = Type.Object({
  passed: Type.Integer(),
  failed: Type.Integer(),
  skipped: Type.Integer(),
  notApplicable: Type.Integer(),
  error: Type.Integer(),
});

export const CheckAggregate = Type.Object({
  checkId: Type.String(),
  title: Type.String(),
  level: Type.Integer(),
  cisSection: Type.Optional(Type.String()),
  ssgRuleId: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()),
  statusCounts: StatusCounts,
});

export const ResourceAggregate = Type.Object({
  accountId: Type.String(),
  resourceId: Type.String(),
  status: Type.String({ description: 'PENDING | COMPLETED | SKIPPED | FAILED' }),
  statusReason: Type.Optional(Type.String()),
  statusCounts: StatusCounts,
});

export const CheckDetail = Type.Object({
  checkId: Type.String(),
  title: Type.String(),
  level: Type.Integer(),
  status: Type.String(),
  statusReason: Type.String(),
  cisSection: Type.Optional(Type.String()),
  ssgRuleId: Type.Optional(Type.String()),
  severity: Type.Optional(Type.String()),
  remediation: Type.String(),
});

export const CisCovered = Type.Object({
  accountId: Type.String(),
  resourceId: Type.String(),
  resourceType: Type.Literal('HOST'),
  scanType: Type.Literal('CIS'),
  scanStatus: Type.Object({
    statusCode: Type.String(),
    reason: Type.String(),
    message: Type.Optional(Type.String()),
  }),
  lastScannedAt: Type.Optional(Type.String()),
});

import type { Principal } from '../../accounts/api-keys.js';
import type { StringFilter } from '../../findings/filter-criteria.js';
import { listReportHeaders } from '../../reports/exports/report-list.js';
import {
  cancelReport,
  findReportHeader,
  insertReport,
  type ReportHeader,
} from '../../reports/exports/report-store.js';
import {
  REPORT_CANCELLED,
  type ReportDestination,
  type ReportFailure,
  type ReportRequest,
  type ResourceFilter,
} from '../../reports/exports/report-types.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { effectiveFindingsFilter } from '../routes/report-routes.js';
import { vigilResourceType, awsResourceType } from './inspector2-arns.js';
import { awsCriteria, vigilCriteria } from './inspector2-criteria.js';
import { invalidInput, notFoundAws } from './inspector2-errors.js';
import type { Operation, OperationCall } from './inspector2-operation.js';

/**
 * Findings reports and SBOM exports are vigil's asynchronous reports (the report worker builds them).
 * The S3 destination is recorded with the request and shown with the status; vigil writes to no
 * bucket: a finished report is served at a URL under this API, which the status gives in
 * errorMessage (the only free-text member of Inspector's status shapes).
 */
export const reportContentPath = (reportId: string): string => `/vigil/reports/${reportId}/content`;

async function queue(call: OperationCall, request: ReportRequest): Promise<{ reportId: string }> {
  const p = call.principal;
  const owner = { accountId: p.accountId, keyId: p.keyId, visibleAccountIds: p.visibleAccountIds };
  return { reportId: await insertReport(call.ctx.db, owner, request, call.ctx.now().toISOString()) };
}

/** A report of an account the key sees, of this kind; anything else does not exist for the caller. */
export async function visibleReport(
  ctx: ServiceContext,
  p: Principal,
  reportId: string,
  kind?: 'findings' | 'sbom',
): Promise<ReportHeader> {
  const report = await findReportHeader(ctx.db, reportId);
  if (!report || !p.visibleAccountIds.includes(report.account_id) || (kind && report.kind !== kind))
    throw notFoundAws(`report ${reportId}`);
  return report;
}

/** vigil's report state in Inspector's words (a cancelled report is FAILED with REPORT_CANCELLED). */
function stateOf(r: ReportHeader, baseUrl: string): Record<string, unknown> {
  const failure = r.error_json ? (JSON.parse(r.error_json) as ReportFailure) : undefined;
  if (r.status === 'SUCCEEDED')
    return {
      status: 'SUCCEEDED',
      errorMessage: `vigil writes no S3 object: the report is served at ${baseUrl}${reportContentPath(r.id)}`,
    };
  if (r.status === 'FAILED' && failure?.code === REPORT_CANCELLED)
    return { status: 'CANCELLED', errorMessage: failure.message };
  if (r.status === 'FAILED')
    return {
      status: 'FAILED',
      errorCode: 'INTERNAL_ERROR',
      errorMessage: failure?.message ?? 'the report failed',
    };
  return { status: 'IN_PROGRESS' };
}

export const createFindingsReportOperation: Operation = {
  mutates: true,
  run: async (call) => {
    const q = call.input as {
      reportFormat: 'CSV' | 'JSON';
      s3Destination: ReportDestination;
      filterCriteria?: Record<string, unknown>;
    };
    const filter = effectiveFindingsFilter(vigilCriteria(q.filterCriteria));
    return queue(call, { kind: 'findings', format: q.reportFormat, filter, destination: q.s3Destination });
  },
};

export const getFindingsReportStatusOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input, baseUrl }) => {
    const id = (input as { reportId?: string }).reportId;
    // Without an id, Inspector answers for the latest report.
    const latest = id
      ? undefined
      : (await listReportHeaders(ctx.db, [principal.accountId], 50)).find((r) => r.kind === 'findings');
    if (!id && !latest) throw notFoundAws('findings report');
    const r = latest ?? (await visibleReport(ctx, principal, id ?? '', 'findings'));
    const request = JSON.parse(r.request_json) as Extract<ReportRequest, { kind: 'findings' }>;
    return {
      reportId: r.id,
      ...stateOf(r, baseUrl),
      ...(request.destination ? { destination: request.destination } : {}),
      filterCriteria: awsCriteria(request.filter),
    };
  },
};

export const cancelFindingsReportOperation: Operation = {
  mutates: true,
  run: async ({ ctx, principal, input }) => {
    const reportId = (input as { reportId: string }).reportId;
    await visibleReport(ctx, principal, reportId, 'findings');
    if (!(await cancelReport(ctx.db, reportId, ctx.now().toISOString())))
      throw invalidInput(`report ${reportId} has already finished`, 'reportId');
    return { reportId };
  },
};

/** Inspector's SBOM formats → vigil's (vigil writes CycloneDX 1.5, a superset of 1.4's fields). */
const SBOM_FORMATS = { CYCLONEDX_1_4: 'CYCLONEDX_1_5', SPDX_2_3: 'SPDX_2_3' } as const;

function resourceFilterOf(aws: Record<string, unknown> | undefined): ResourceFilter {
  const out: ResourceFilter = {};
  for (const [name, value] of Object.entries(aws ?? {})) {
    const filters = value as StringFilter[];
    if (name === 'accountId' || name === 'resourceId') out[name] = filters;
    else if (name === 'resourceType')
      out.resourceType = filters.map((f) => ({ ...f, value: vigilResourceType(f.value) ?? f.value }));
    else if (name === 'ec2InstanceTags')
      out.resourceTags = value as NonNullable<ResourceFilter['resourceTags']>;
    else
      throw invalidInput(
        `resourceFilterCriteria.${name} is not supported by vigil (accountId, resourceId, resourceType, ec2InstanceTags)`,
        `resourceFilterCriteria.${name}`,
      );
  }
  return out;
}

function awsResourceFilter(f: ResourceFilter): Record<string, unknown> {
  return {
    ...(f.accountId ? { accountId: f.accountId } : {}),
    ...(f.resourceId ? { resourceId: f.resourceId } : {}),
    ...(f.resourceType
      ? { resourceType: f.resourceType.map((s) => ({ ...s, value: awsResourceType(s.value) })) }
      : {}),
    ...(f.resourceTags ? { ec2InstanceTags: f.resourceTags } : {}),
  };
}

export const createSbomExportOperation: Operation = {
  mutates: true,
  run: async (call) => {
    const q = call.input as {
      reportFormat: keyof typeof SBOM_FORMATS;
      s3Destination: ReportDestination;
      resourceFilterCriteria?: Record<string, unknown>;
    };
    const resourceFilter = resourceFilterOf(q.resourceFilterCriteria);
    const format = SBOM_FORMATS[q.reportFormat];
    return queue(call, { kind: 'sbom', format, resourceFilter, destination: q.s3Destination });
  },
};

export const getSbomExportOperation: Operation = {
  mutates: false,
  run: async ({ ctx, principal, input, baseUrl }) => {
    const r = await visibleReport(ctx, principal, (input as { reportId: string }).reportId, 'sbom');
    const request = JSON.parse(r.request_json) as Extract<ReportRequest, { kind: 'sbom' }>;
    const format = Object.entries(SBOM_FORMATS).find(([, v]) => v === request.format)?.[0];
    return {
      reportId: r.id,
      format,
      ...stateOf(r, baseUrl),
      ...(request.destination ? { s3Destination: request.destination } : {}),
      filterCriteria: awsResourceFilter(request.resourceFilter),
    };
  },
};

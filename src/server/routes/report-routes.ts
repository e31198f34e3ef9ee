import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import {
  checkFilter,
  CreateFindingsReportBody,
  CreateSbomReportBody,
  ReportCreated,
  ReportParams,
  ReportStatus,
  ResourceFilterSchema,
} from './report-schemas.js';
import {
  findReportContent,
  findReportHeader,
  insertReport,
  type ReportHeader,
} from '../../reports/exports/report-store.js';
import type {
  FindingsReportFormat,
  ReportFailure,
  ReportRequest,
  ResourceFilter,
  SbomReportFormat,
} from '../../reports/exports/report-types.js';
import { principalOf } from '../auth/auth-hook.js';
import { checkFilterDates } from './filter-param.js';
import { HttpError, notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { ErrorSchema, errorResponses, FilterCriteriaSchema } from './route-schemas.js';

const ACTIVE_ONLY = [{ comparison: 'EQUALS' as const, value: 'ACTIVE' }];

/** Reports default to what needs attention: ACTIVE findings, unless the filter says which statuses. */
export function effectiveFindingsFilter(filter: FilterCriteria): FilterCriteria {
  return filter.findingStatus?.length ? filter : { ...filter, findingStatus: ACTIVE_ONLY };
}

/**
 * Asynchronous reports: POST queues one (202), the report worker builds it, GET polls its status and
 * downloads it. A report is scoped to the accounts the key could see when it asked, and is visible to
 * every key that sees the report's owning account; to any other key it does not exist (404).
 */
export function registerReportRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const queue = async (req: FastifyRequest, request: ReportRequest): Promise<unknown> => {
    const p = principalOf(req);
    const owner = { accountId: p.accountId, keyId: p.keyId, visibleAccountIds: p.visibleAccountIds };
    const reportId = await insertReport(ctx.db, owner, request, ctx.now().toISOString());
    return { reportId, status: 'QUEUED' };
  };

  app.post(
    '/v1/reports',
    {
      schema: {
        description:
          'Queues a findings report (CSV: one row per finding; JSON: {reportId, createdAt, findings}) ' +
          'over the accounts this key can see.',
        body: CreateFindingsReportBody,
        response: { 202: ReportCreated, ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = req.body as { format: FindingsReportFormat; filter?: unknown };
      const filter = checkFilter<FilterCriteria>(FilterCriteriaSchema, body.filter, 'filter');
      checkFilterDates(filter, 'filter');
      const request = {
        kind: 'findings' as const,
        format: body.format,
        filter: effectiveFindingsFilter(filter),
      };
      return reply.code(202).send(await queue(req, request));
    },
  );

  app.post(
    '/v1/reports/sbom',
    {
      schema: {
        description:
          'Queues an SBOM export of the stored inventories of the resources this key can see. The ' +
          'content is ONE JSON document: {reportId, format, createdAt, resources: [{accountId, ' +
          'resourceId, resourceType, sbom}], skipped: [{accountId, resourceId, reason}]}, where each ' +
          '`sbom` is a complete CycloneDX 1.5 or SPDX 2.3 JSON document for that resource.',
        body: CreateSbomReportBody,
        response: { 202: ReportCreated, ...errorResponses },
      },
    },
    async (req, reply) => {
      const body = req.body as { format: SbomReportFormat; resourceFilter?: unknown };
      const resourceFilter = checkFilter<ResourceFilter>(
        ResourceFilterSchema,
        body.resourceFilter,
        'resourceFilter',
      );
      return reply.code(202).send(await queue(req, { kind: 'sbom', format: body.format, resourceFilter }));
    },
  );

  app.get(
    '/v1/reports/:reportId',
    { schema: { params: ReportParams, response: { 200: ReportStatus, ...errorResponses } } },
    async (req) => statusOf(await visibleReport(req, ctx)),
  );

  app.get(
    '/v1/reports/:reportId/content',
    {
      schema: {
        description:
          'The finished report, as an attachment (text/csv or application/json). 409 REPORT_NOT_READY ' +
          'until the report has SUCCEEDED.',
        params: ReportParams,
        produces: ['text/csv', 'application/json'],
        response: { 200: Type.String(), 409: ErrorSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const report = await visibleReport(req, ctx);
      if (report.status !== 'SUCCEEDED') {
        const error = report.error_json ? (JSON.parse(report.error_json) as ReportFailure) : undefined;
        throw new HttpError(409, 'REPORT_NOT_READY', `the report is ${report.status}`, {
          status: report.status,
          ...(error ? { error } : {}),
        });
      }
      const content = (await findReportContent(ctx.db, report.id)) ?? '';
      return reply
        .header('content-type', report.content_type ?? 'application/octet-stream')
        .header('content-disposition', `attachment; filename="${fileNameOf(report)}"`)
        .send(content);
    },
  );
}

async function visibleReport(req: FastifyRequest, ctx: ServiceContext): Promise<ReportHeader> {
  const { reportId } = req.params as { reportId: string };
  const report = await findReportHeader(ctx.db, reportId);
  if (!report || !principalOf(req).visibleAccountIds.includes(report.account_id))
    throw notFound(`report ${reportId}`);
  return report;
}

export function statusOf(r: ReportHeader): unknown {
  const request = JSON.parse(r.request_json) as ReportRequest;
  return {
    reportId: r.id,
    kind: r.kind === 'findings' ? 'FINDINGS' : 'SBOM',
    format: r.format,
    status: r.status,
    createdAt: r.created_at,
    ...(r.started_at ? { startedAt: r.started_at } : {}),
    ...(r.finished_at ? { finishedAt: r.finished_at } : {}),
    ...(r.size !== null ? { size: r.size } : {}),
    ...(r.content_type ? { contentType: r.content_type } : {}),
    ...(r.error_json ? { error: JSON.parse(r.error_json) as ReportFailure } : {}),
    ...(request.kind === 'findings'
      ? { filter: request.filter }
      : { resourceFilter: request.resourceFilter }),
  };
}

const EXTENSIONS: Readonly<Record<string, string>> = {
  CSV: 'csv',
  JSON: 'json',
  CYCLONEDX_1_5: 'cdx.json',
  SPDX_2_3: 'spdx.json',
};

function fileNameOf(r: ReportHeader): string {
  return `vigil-${r.kind}-${r.id}.${EXTENSIONS[r.format] ?? 'bin'}`;
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { parseCisScanConfigInput, type TargetScope } from '../../scan/cis/cis-scan-config-input.js';
import {
  createCisScanConfig,
  deleteCisScanConfig,
  getCisScanConfig,
  listCisScanConfigs,
  updateCisScanConfig,
} from '../../scan/cis/cis-scan-configs.js';
import { listCisCoverage } from '../../scan/cis/cis-coverage.js';
import { cancelCisScan } from '../../scan/cis/cis-scan-progress.js';
import {
  cisScanCsv,
  cisScanResourceChecks,
  cisScanResultsByCheck,
  cisScanResultsByResource,
  getCisScan,
  listCisScans,
} from '../../scan/cis/cis-scan-results.js';
import { renderAssessmentHtml } from '../../checks/formats/html-assessment-format.js';
import { htmlToPdf } from '../../reports/pdf/html-pdf-printer.js';
import { cisScanDocument } from '../../scan/cis/cis-scan-document.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import {
  CheckAggregate,
  CheckDetail,
  CisCovered,
  Config,
  ConfigBody,
  ConfigParams,
  ResourceAggregate,
  Scan,
  ScanListQuery,
  ScanParams,
  ScanResourceParams,
  type ConfigParamsT,
  type ScanListQueryT,
  type ScanParamsT,
  type ScanResourceParamsT,
} from './cis-scan-schemas.js';
import { AccountParams, errorResponses, ErrorSchema, type AccountParamsT } from './route-schemas.js';

/** The version the OpenAPI document states (server-app.ts): transports do not import each other. */
const VERSION = '0.1.0';

/** An admin of the account targets it alone; the delegated administrator's admin in its own account targets its members too. */
function scopeOf(req: FastifyRequest, accountId: string): TargetScope {
  const p = requireAdmin(req, accountId);
  return { accountId, allowedAccountIds: p.accountId === accountId ? p.visibleAccountIds : [accountId] };
}

/**
 * CIS scans (issue 16, Inspector v2's shape): configurations (admin keys write, every key of the
 * account reads), the scans the scheduler starts from them (src/jobs/cis-scan-job.ts), their results
 * by check, by resource and per check of a host, a CSV export, and hosts' CIS coverage.
 */
export function registerCisScanRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerConfigRoutes(app, ctx);
  registerScanRoutes(app, ctx);
  registerResultRoutes(app, ctx);
}

function registerConfigRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/cis-scan-configurations';
  app.post(
    base,
    { schema: { params: AccountParams, body: ConfigBody, response: { 201: Config, ...errorResponses } } },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      const input = parseCisScanConfigInput(req.body, scopeOf(req, accountId));
      return reply.status(201).send(await createCisScanConfig(db, accountId, input, ctx.now()));
    },
  );
  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ scanConfigurations: Type.Array(Config) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { scanConfigurations: await listCisScanConfigs(db, accountId) };
    },
  );
  app.get(
    `${base}/:scanConfigurationId`,
    { schema: { params: ConfigParams, response: { 200: Config, ...errorResponses } } },
    async (req) => {
      const { accountId, scanConfigurationId } = req.params as ConfigParamsT;
      requireAccount(req, accountId);
      const c = await getCisScanConfig(db, accountId, scanConfigurationId);
      if (!c) throw notFound(`CIS scan configuration ${scanConfigurationId}`);
      return c;
    },
  );
  app.put(
    `${base}/:scanConfigurationId`,
    { schema: { params: ConfigParams, body: ConfigBody, response: { 200: Config, ...errorResponses } } },
    async (req) => {
      const { accountId, scanConfigurationId } = req.params as ConfigParamsT;
      const input = parseCisScanConfigInput(req.body, scopeOf(req, accountId));
      const c = await updateCisScanConfig(db, accountId, scanConfigurationId, input, ctx.now());
      if (!c) throw notFound(`CIS scan configuration ${scanConfigurationId}`);
      return c;
    },
  );
  app.delete(
    `${base}/:scanConfigurationId`,
    { schema: { params: ConfigParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const { accountId, scanConfigurationId } = req.params as ConfigParamsT;
      requireAdmin(req, accountId);
      if (!(await deleteCisScanConfig(db, accountId, scanConfigurationId)))
        throw notFound(`CIS scan configuration ${scanConfigurationId}`);
      return reply.status(204).send();
    },
  );
}

function registerScanRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/cis-scans';
  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        querystring: ScanListQuery,
        response: { 200: Type.Object({ scans: Type.Array(Scan) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      const q = req.query as ScanListQueryT;
      requireAccount(req, accountId);
      const scans = await listCisScans(db, accountId, {
        limit: q.maxResults ?? 100,
        ...(q.scanConfigurationId ? { scanConfigurationId: q.scanConfigurationId } : {}),
      });
      return { scans };
    },
  );
  app.get(
    `${base}/:cisScanId`,
    { schema: { params: ScanParams, response: { 200: Scan, ...errorResponses } } },
    async (req) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAccount(req, accountId);
      const s = await getCisScan(db, accountId, cisScanId);
      if (!s) throw notFound(`CIS scan ${cisScanId}`);
      return s;
    },
  );
  app.post(
    `${base}/:cisScanId/cancel`,
    { schema: { params: ScanParams, response: { 200: Scan, 409: ErrorSchema, ...errorResponses } } },
    async (req) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAdmin(req, accountId);
      const s = await getCisScan(db, accountId, cisScanId);
      if (!s) throw notFound(`CIS scan ${cisScanId}`);
      await cancelCisScan(db, accountId, cisScanId, ctx.now());
      return (await getCisScan(db, accountId, cisScanId)) ?? s;
    },
  );
  app.get(
    '/v1/accounts/:accountId/cis-coverage',
    {
      schema: {
        params: AccountParams,
        description: 'Every host of the account with its coverage for scan type CIS.',
        response: { 200: Type.Object({ coveredResources: Type.Array(CisCovered) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { coveredResources: await listCisCoverage(db, accountId, ctx.now()) };
    },
  );
}

function registerResultRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/cis-scans/:cisScanId';
  app.get(
    `${base}/checks`,
    {
      schema: {
        params: ScanParams,
        response: { 200: Type.Object({ checks: Type.Array(CheckAggregate) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAccount(req, accountId);
      const checks = await cisScanResultsByCheck(db, accountId, cisScanId);
      if (!checks) throw notFound(`CIS scan ${cisScanId}`);
      return { checks };
    },
  );
  app.get(
    `${base}/resources`,
    {
      schema: {
        params: ScanParams,
        response: { 200: Type.Object({ resources: Type.Array(ResourceAggregate) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAccount(req, accountId);
      const resources = await cisScanResultsByResource(db, accountId, cisScanId);
      if (!resources) throw notFound(`CIS scan ${cisScanId}`);
      return { resources };
    },
  );
  app.get(
    `${base}/resources/:resourceId/checks`,
    {
      schema: {
        params: ScanResourceParams,
        response: { 200: Type.Object({ checks: Type.Array(CheckDetail) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, cisScanId, resourceId } = req.params as ScanResourceParamsT;
      requireAccount(req, accountId);
      const checks = await cisScanResourceChecks(db, accountId, cisScanId, resourceId);
      if (!checks) throw notFound(`host ${resourceId} in CIS scan ${cisScanId}`);
      return { checks };
    },
  );
  app.get(
    `${base}/report.csv`,
    {
      schema: {
        params: ScanParams,
        produces: ['text/csv'],
        response: { 200: Type.String(), ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAccount(req, accountId);
      const csv = await cisScanCsv(db, accountId, cisScanId);
      if (csv === undefined) throw notFound(`CIS scan ${cisScanId}`);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${cisScanId}.csv"`)
        .send(csv);
    },
  );
  app.get(
    `${base}/report.pdf`,
    {
      schema: {
        params: ScanParams,
        description:
          'The scan as a PDF (summary chart, then each assessed host, failures first), printed by Chromium; 503 PDF_RENDERER_UNAVAILABLE without one.',
        produces: ['application/pdf'],
        response: { 200: Type.String(), 503: ErrorSchema, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId, cisScanId } = req.params as ScanParamsT;
      requireAccount(req, accountId);
      const doc = await cisScanDocument(db, accountId, cisScanId, { name: 'vigil server', version: VERSION });
      if (!doc) throw notFound(`CIS scan ${cisScanId}`);
      const pdf = await htmlToPdf(renderAssessmentHtml(doc));
      return reply
        .header('content-type', 'application/pdf')
        .header('content-disposition', `attachment; filename="${cisScanId}.pdf"`)
        .send(pdf);
    },
  );
}

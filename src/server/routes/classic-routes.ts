import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { parseTargetInput, parseTemplateInput } from '../../scan/classic/classic-input.js';
import { startClassicRun } from '../../scan/classic/classic-run-start.js';
import { getRun, listRuns } from '../../scan/classic/classic-runs.js';
import {
  createTarget,
  createTemplate,
  deleteTarget,
  deleteTemplate,
  getTarget,
  getTemplate,
  listTargets,
  listTemplates,
} from '../../scan/classic/classic-store.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import {
  Run,
  RunListQuery,
  RunParams,
  Target,
  TargetBody,
  TargetParams,
  Template,
  TemplateBody,
  TemplateParams,
  type RunListQueryT,
  type RunParamsT,
  type TargetParamsT,
  type TemplateParamsT,
} from './classic-schemas.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

/**
 * Classic assessments (issue 16, Inspector Classic's shape): targets and templates (admin keys write,
 * every key of the account reads), runs started here or by a template's cron schedule
 * (src/jobs/classic-assessment-job.ts), each with its state history, exclusions and findings.
 */
export function registerClassicRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  registerTargetRoutes(app, ctx);
  registerTemplateRoutes(app, ctx);
  registerRunRoutes(app, ctx);
}

function registerTargetRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/assessment-targets';
  app.post(
    base,
    { schema: { params: AccountParams, body: TargetBody, response: { 201: Target, ...errorResponses } } },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return reply.status(201).send(await createTarget(db, accountId, parseTargetInput(req.body), ctx.now()));
    },
  );
  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ assessmentTargets: Type.Array(Target) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { assessmentTargets: await listTargets(db, accountId) };
    },
  );
  app.get(
    `${base}/:assessmentTargetId`,
    { schema: { params: TargetParams, response: { 200: Target, ...errorResponses } } },
    async (req) => {
      const { accountId, assessmentTargetId } = req.params as TargetParamsT;
      requireAccount(req, accountId);
      const t = await getTarget(db, accountId, assessmentTargetId);
      if (!t) throw notFound(`assessment target ${assessmentTargetId}`);
      return t;
    },
  );
  app.delete(
    `${base}/:assessmentTargetId`,
    { schema: { params: TargetParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const { accountId, assessmentTargetId } = req.params as TargetParamsT;
      requireAdmin(req, accountId);
      if (!(await deleteTarget(db, accountId, assessmentTargetId)))
        throw notFound(`assessment target ${assessmentTargetId}`);
      return reply.status(204).send();
    },
  );
}

function registerTemplateRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/assessment-templates';
  app.post(
    base,
    { schema: { params: AccountParams, body: TemplateBody, response: { 201: Template, ...errorResponses } } },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const t = await createTemplate(db, accountId, parseTemplateInput(req.body), ctx.now());
      return reply.status(201).send(t);
    },
  );
  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ assessmentTemplates: Type.Array(Template) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { assessmentTemplates: await listTemplates(db, accountId) };
    },
  );
  app.get(
    `${base}/:assessmentTemplateId`,
    { schema: { params: TemplateParams, response: { 200: Template, ...errorResponses } } },
    async (req) => {
      const { accountId, assessmentTemplateId } = req.params as TemplateParamsT;
      requireAccount(req, accountId);
      const t = await getTemplate(db, accountId, assessmentTemplateId);
      if (!t) throw notFound(`assessment template ${assessmentTemplateId}`);
      return t;
    },
  );
  app.delete(
    `${base}/:assessmentTemplateId`,
    { schema: { params: TemplateParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const { accountId, assessmentTemplateId } = req.params as TemplateParamsT;
      requireAdmin(req, accountId);
      if (!(await deleteTemplate(db, accountId, assessmentTemplateId)))
        throw notFound(`assessment template ${assessmentTemplateId}`);
      return reply.status(204).send();
    },
  );
  app.post(
    `${base}/:assessmentTemplateId/runs`,
    { schema: { params: TemplateParams, response: { 201: Run, ...errorResponses } } },
    async (req, reply) => {
      const { accountId, assessmentTemplateId } = req.params as TemplateParamsT;
      requireAdmin(req, accountId);
      const t = await getTemplate(db, accountId, assessmentTemplateId);
      if (!t) throw notFound(`assessment template ${assessmentTemplateId}`);
      const id = await db.transaction().execute((trx) => startClassicRun(trx, t, 'MANUAL', ctx.now()));
      return reply.status(201).send(await getRun(db, accountId, id));
    },
  );
}

function registerRunRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/assessment-runs';
  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        querystring: RunListQuery,
        response: { 200: Type.Object({ assessmentRuns: Type.Array(Run) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      const q = req.query as RunListQueryT;
      requireAccount(req, accountId);
      return { assessmentRuns: await listRuns(db, accountId, q.assessmentTemplateId) };
    },
  );
  app.get(
    `${base}/:assessmentRunId`,
    { schema: { params: RunParams, response: { 200: Run, ...errorResponses } } },
    async (req) => {
      const { accountId, assessmentRunId } = req.params as RunParamsT;
      requireAccount(req, accountId);
      const r = await getRun(db, accountId, assessmentRunId);
      if (!r) throw notFound(`assessment run ${assessmentRunId}`);
      return r;
    },
  );
}

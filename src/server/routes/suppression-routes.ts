import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifyInstance, FastifySchemaCompiler } from 'fastify';
import type { FilterCriteria } from '../../findings/filter-criteria.js';
import {
  createRule,
  deleteRule,
  getRule,
  listRules,
  updateRule,
  type RuleChange,
} from '../../findings/suppression/suppression-rules.js';
import { isRealDateTime } from '../../core/date-time-text.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { HttpError, notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  AccountIdString,
  AccountParams,
  DateTimeString,
  errorResponses,
  FilterCriteriaSchema,
  IdString,
  type AccountParamsT,
} from './route-schemas.js';
import { checkFilterDates } from './filter-param.js';

const typeboxChecks: FastifySchemaCompiler<unknown> = (def) =>
  TypeBoxValidatorCompiler({ ...def, schema: def.schema as TSchema });

const Name = Type.String({ minLength: 1, maxLength: 200 });
const Reason = Type.String({ minLength: 1, maxLength: 2000 });

const Rule = Type.Object({
  id: Type.String(),
  accountId: Type.String(),
  name: Type.String(),
  reason: Type.String(),
  filter: Type.Unknown({ description: 'FilterCriteria' }),
  expiresAt: Type.Optional(Type.String()),
  createdBy: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const Changed = Type.Object({
  rule: Rule,
  findingsChanged: Type.Integer({ description: 'Open findings whose status or suppressedBy changed.' }),
});

const CreateBody = Type.Object(
  {
    name: Name,
    reason: Reason,
    filter: FilterCriteriaSchema,
    expiresAt: Type.Optional(DateTimeString),
  },
  { additionalProperties: false },
);
const PatchBody = Type.Object(
  {
    name: Type.Optional(Name),
    reason: Type.Optional(Reason),
    filter: Type.Optional(FilterCriteriaSchema),
    expiresAt: Type.Optional(Type.Union([DateTimeString, Type.Null()])),
  },
  { additionalProperties: false },
);
const RuleParams = Type.Object({
  accountId: AccountIdString,
  ruleId: IdString(200),
});
type RuleParamsT = Static<typeof RuleParams>;

/** A rule with no criterion would suppress every finding of the account: never what anyone means. */
function checkFilter(filter: FilterCriteria | undefined): void {
  if (filter && !Object.values(filter).some((v) => Array.isArray(v) && v.length > 0))
    throw new HttpError(400, 'VALIDATION', 'a suppression rule needs at least one filter criterion');
  if (filter) checkFilterDates(filter, 'filter');
}

function checkExpiry(expiresAt: string | null | undefined, now: Date): string | null | undefined {
  if (typeof expiresAt !== 'string') return expiresAt;
  if (!isRealDateTime(expiresAt))
    throw new HttpError(400, 'VALIDATION', 'expiresAt is not a real date-time', { path: '/expiresAt' });
  const iso = new Date(expiresAt).toISOString();
  if (iso <= now.toISOString())
    throw new HttpError(400, 'VALIDATION', 'expiresAt is not in the future', { expiresAt });
  return iso;
}

function found(change: RuleChange | undefined, ruleId: string): RuleChange {
  if (!change) throw notFound(`suppression rule ${ruleId}`);
  return change;
}

/**
 * Bodies are checked by TypeBox itself, not Fastify's Ajv: Ajv's default `removeAdditional` would drop
 * a misspelt criterion silently and leave a broader rule than the caller wrote; here it is a 400.
 *
 * Suppression rules of an account (admin keys manage them, every key of the account reads them).
 * Every change re-evaluates the account's open findings in the same transaction (suppression-rules.ts).
 */
export function registerSuppressionRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  const base = '/v1/accounts/:accountId/suppression-rules';
  app.post(
    base,
    {
      schema: { params: AccountParams, body: CreateBody, response: { 201: Changed, ...errorResponses } },
      validatorCompiler: typeboxChecks,
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      const p = requireAdmin(req, accountId);
      const body = req.body as Static<typeof CreateBody>;
      const now = ctx.now();
      checkFilter(body.filter);
      const expiresAt = checkExpiry(body.expiresAt, now);
      const input = { name: body.name, reason: body.reason, filter: body.filter as FilterCriteria };
      const change = await createRule(db, {
        accountId,
        input: expiresAt ? { ...input, expiresAt } : input,
        keyId: p.keyId,
        now,
      });
      return reply.status(201).send(change);
    },
  );

  app.get(
    base,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ rules: Type.Array(Rule) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { rules: await listRules(db, accountId) };
    },
  );

  app.get(
    `${base}/:ruleId`,
    { schema: { params: RuleParams, response: { 200: Rule, ...errorResponses } } },
    async (req) => {
      const { accountId, ruleId } = req.params as RuleParamsT;
      requireAccount(req, accountId);
      const rule = await getRule(db, accountId, ruleId);
      if (!rule) throw notFound(`suppression rule ${ruleId}`);
      return rule;
    },
  );

  app.patch(
    `${base}/:ruleId`,
    {
      schema: { params: RuleParams, body: PatchBody, response: { 200: Changed, ...errorResponses } },
      validatorCompiler: typeboxChecks,
    },
    async (req) => {
      const { accountId, ruleId } = req.params as RuleParamsT;
      requireAdmin(req, accountId);
      const body = req.body as Static<typeof PatchBody>;
      const now = ctx.now();
      checkFilter(body.filter);
      const expiresAt = checkExpiry(body.expiresAt, now);
      const patch = {
        ...(body.name !== undefined ? { name: body.name } : {}),
        ...(body.reason !== undefined ? { reason: body.reason } : {}),
        ...(body.filter !== undefined ? { filter: body.filter as FilterCriteria } : {}),
        ...(expiresAt !== undefined ? { expiresAt } : {}),
      };
      return found(await updateRule(db, { accountId, ruleId, patch, now }), ruleId);
    },
  );

  app.delete(
    `${base}/:ruleId`,
    { schema: { params: RuleParams, response: { 200: Changed, ...errorResponses } } },
    async (req) => {
      const { accountId, ruleId } = req.params as RuleParamsT;
      requireAdmin(req, accountId);
      return found(await deleteRule(db, { accountId, ruleId, now: ctx.now() }), ruleId);
    },
  );
}

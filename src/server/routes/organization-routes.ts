import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import {
  belongsTo,
  createMemberAccount,
  createOrganization,
  findOrganization,
  organizationView,
  type OrganizationRow,
} from '../../accounts/organization-service.js';
import type { Principal } from '../../accounts/api-keys.js';
import { principalOf } from '../auth/auth-hook.js';
import { forbidden, notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { AccountSchema } from './account-routes.js';
import { ErrorSchema, errorResponses, IdString } from './route-schemas.js';

const conflictResponses = { ...errorResponses, 409: ErrorSchema };

const Organization = Type.Object({
  id: Type.String(),
  name: Type.String(),
  delegatedAdminAccountId: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  accounts: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }), {
    description: 'Member accounts the caller may see: all for the delegated administrator, else its own.',
  }),
});

const OrgParams = Type.Object({ organizationId: IdString(200) });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const CreateOrgBody = Type.Object({ name: Name }, { additionalProperties: false });
const CreateAccountBody = Type.Object(
  { id: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$' })), name: Name },
  { additionalProperties: false },
);

/** Organizations: an account creates one and becomes its delegated administrator, who adds members. */
export function registerOrganizationRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;

  /** The organization if the caller's account belongs to it; else 404 (existence is not its business). */
  const visibleOrganization = async (
    req: FastifyRequest,
    id: string,
  ): Promise<[OrganizationRow, Principal]> => {
    const p = principalOf(req);
    const org = await findOrganization(db, id);
    if (!org || !(await belongsTo(db, org, p.accountId))) throw notFound(`organization ${id}`);
    return [org, p];
  };

  app.post(
    '/v1/organizations',
    {
      schema: {
        description:
          "Creates an organization; the key's account (in no organization yet) becomes its delegated admin.",
        body: CreateOrgBody,
        response: { 201: Organization, ...conflictResponses },
      },
    },
    async (req, reply) => {
      const p = principalOf(req);
      if (p.role !== 'admin') throw forbidden('an admin key is needed to create an organization');
      const { name } = req.body as Static<typeof CreateOrgBody>;
      const org = await createOrganization(db, { accountId: p.accountId, name, now: ctx.now() });
      // The caller now sees every member account (only itself so far).
      const view = await organizationView(db, org, [p.accountId]);
      return reply.status(201).send(view);
    },
  );

  app.get(
    '/v1/organizations/:organizationId',
    { schema: { params: OrgParams, response: { 200: Organization, ...errorResponses } } },
    async (req) => {
      const [org, p] = await visibleOrganization(
        req,
        (req.params as Static<typeof OrgParams>).organizationId,
      );
      return organizationView(db, org, p.visibleAccountIds);
    },
  );

  app.post(
    '/v1/organizations/:organizationId/accounts',
    {
      // Before body validation: a non-member gets 404 whatever the body, so it cannot probe for ids.
      preValidation: async (req) => {
        await visibleOrganization(req, (req.params as Static<typeof OrgParams>).organizationId);
      },
      schema: {
        description: "Creates a member account (the delegated administrator's admin keys only).",
        params: OrgParams,
        body: CreateAccountBody,
        response: { 201: AccountSchema, ...conflictResponses },
      },
    },
    async (req, reply) => {
      const [org, p] = await visibleOrganization(
        req,
        (req.params as Static<typeof OrgParams>).organizationId,
      );
      if (p.role !== 'admin' || p.accountId !== org.delegated_admin_account_id)
        throw forbidden("only the delegated administrator's admin keys add accounts to an organization");
      const body = req.body as Static<typeof CreateAccountBody>;
      const account = await createMemberAccount(db, {
        organizationId: org.id,
        name: body.name,
        ...(body.id !== undefined ? { id: body.id } : {}),
        now: ctx.now(),
      });
      return reply.status(201).send(account);
    },
  );
}

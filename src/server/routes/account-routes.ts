import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { getAccount, listAccounts } from '../../accounts/account-views.js';
import { updateScanningAndCoverage } from '../../resources/coverage/coverage-transitions.js';
import { principalOf, requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

export const ScanningSchema = Type.Object({
  host: Type.Boolean(),
  image: Type.Boolean(),
  network: Type.Boolean(),
});

export const AccountSchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  organizationId: Type.Union([Type.String(), Type.Null()]),
  scanning: ScanningSchema,
  createdAt: Type.String(),
});

const ScanningPatch = Type.Object(
  {
    host: Type.Optional(Type.Boolean()),
    image: Type.Optional(Type.Boolean()),
    network: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

/** Accounts the key may see, and their scan settings (which scan kinds the account wants). */
export function registerAccountRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db } = ctx;
  app.get(
    '/v1/accounts',
    {
      schema: { response: { 200: Type.Object({ accounts: Type.Array(AccountSchema) }), ...errorResponses } },
    },
    async (req) => ({ accounts: await listAccounts(db, principalOf(req).visibleAccountIds) }),
  );

  app.get(
    '/v1/accounts/:accountId',
    { schema: { params: AccountParams, response: { 200: AccountSchema, ...errorResponses } } },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      const account = await getAccount(db, accountId);
      if (!account) throw notFound(`account ${accountId}`);
      return account;
    },
  );

  app.put(
    '/v1/accounts/:accountId/scanning',
    {
      schema: {
        description:
          'Enable or disable scan kinds. Disabling a kind closes its open findings; enabling reopens nothing (the next scan does).',
        params: AccountParams,
        body: ScanningPatch,
        response: { 200: ScanningSchema, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const change = await updateScanningAndCoverage(ctx, {
        accountId,
        patch: req.body as Static<typeof ScanningPatch>,
      });
      if (!change) throw notFound(`account ${accountId}`);
      return change.after;
    },
  );
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { networkSettingsOf } from '../../resources/network/network-settings-store.js';
import { updateNetworkSettings } from '../../scan/network-settings-update.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

const Settings = Type.Object({ trustedCidrs: Type.Array(Type.String()) });

const Updated = Type.Object({
  accountId: Type.String(),
  trustedCidrs: Type.Array(Type.String()),
  updatedAt: Type.String(),
  analysed: Type.Integer(),
  agentlessAnalysed: Type.Integer(),
});

/**
 * GET/PUT /v1/accounts/{a}/network-settings: the CIDRs the account names as trusted (its VPN, its
 * office), which the reachability analysis does not count as the internet. Every key that sees the
 * account reads them; writing needs an admin key of the account or of its delegated administrator,
 * as the cloud network does. The body is checked after authorization (a key that may not write here
 * learns nothing from a 400).
 */
export function registerNetworkSettingsRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/accounts/:accountId/network-settings',
    {
      schema: {
        description: 'The account’s network settings: the CIDRs it names as trusted (not the internet).',
        params: AccountParams,
        response: { 200: Settings, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return networkSettingsOf(ctx.db, accountId);
    },
  );
  app.put(
    '/v1/accounts/:accountId/network-settings',
    {
      schema: {
        description:
          'Replaces the account’s trusted CIDRs (at most 1,000, each IPv4 or IPv6 with its prefix length) and analyses its hosts again; a bad entry is a 400 NETWORK_SETTINGS_INVALID naming it.',
        params: AccountParams,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: Updated, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return updateNetworkSettings(ctx.db, accountId, req.body, ctx.now());
    },
  );
}

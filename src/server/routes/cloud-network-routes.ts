import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { uploadCloudNetwork } from '../../scan/cloud-network-upload.js';
import { requireAdmin } from '../auth/auth-hook.js';
import { AccountParams, ErrorSchema, errorResponses, type AccountParamsT } from './route-schemas.js';

/** A cloud network's JSON: the seven describe outputs (a 10,000-instance VPC is a few MiB). */
const MAX_CLOUD_NETWORK_BYTES = 32 * 1024 * 1024;

const Uploaded = Type.Object({
  accountId: Type.String(),
  uploadedAt: Type.String(),
  instances: Type.Integer(),
  hosts: Type.Array(Type.Object({ instanceId: Type.String(), resourceId: Type.String() })),
  instancesWithoutHost: Type.Array(Type.String()),
  agentlessRetired: Type.Array(Type.String()),
  analysed: Type.Integer(),
});

/**
 * PUT /v1/accounts/{a}/cloud-network: the account's AWS network as `aws ec2 describe-instances`,
 * `describe-security-groups`, `describe-network-acls`, `describe-route-tables`,
 * `describe-internet-gateways`, `describe-subnets` and `describe-network-interfaces` print it, under
 * the keys instances, securityGroups, networkAcls, routeTables, internetGateways, subnets,
 * networkInterfaces. The shape is checked by the engine after authorization (so a key that may not
 * write here learns nothing from a 400).
 */
export function registerCloudNetworkRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.put(
    '/v1/accounts/:accountId/cloud-network',
    {
      bodyLimit: MAX_CLOUD_NETWORK_BYTES,
      schema: {
        description:
          'Replaces the account’s cloud network (AWS describe-* outputs) and analyses its hosts again; a reference to an id not in the upload is a 400 naming it.',
        params: AccountParams,
        body: Type.Object({}, { additionalProperties: true }),
        response: { 200: Uploaded, ...errorResponses, 413: ErrorSchema },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return uploadCloudNetwork(ctx.db, accountId, req.body, ctx.now());
    },
  );
}

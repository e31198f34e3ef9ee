import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { requireAdmin } from '../auth/auth-hook.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  CreateWebhookBody,
  DeliveriesQuery,
  DeliveryPage,
  UpdateWebhookBody,
  Webhook,
  WebhookMaybeSecret,
  WebhookParams,
  WebhookWithSecret,
  type CreateWebhookBodyT,
  type DeliveriesQueryT,
  type UpdateWebhookBodyT,
  type WebhookParamsT,
} from './webhook-schemas.js';
import {
  createSubscription,
  deleteSubscription,
  getSubscription,
  listDeliveries,
  listSubscriptions,
  updateSubscription,
  webhookOfRow,
} from '../../events/webhooks/webhook-store.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';

const BASE = '/v1/accounts/:accountId/webhooks';
const ONE = `${BASE}/:subscriptionId`;

/**
 * Webhook subscriptions of an account (admin keys only: a URL receiving every finding is as sensitive
 * as the findings). The signing secret is in the create and rotate answers only, never in reads.
 */
export function registerWebhookRoutes(
  app: FastifyInstance,
  { db, now, egress, secrets }: ServiceContext,
): void {
  const guards = { egress, secrets };
  app.post(
    BASE,
    {
      schema: {
        params: AccountParams,
        body: CreateWebhookBody,
        response: { 201: WebhookWithSecret, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const body = req.body as CreateWebhookBodyT;
      const { webhook, secret } = await createSubscription(db, guards, accountId, body, now().toISOString());
      return reply.status(201).send({ ...webhook, secret });
    },
  );
  app.get(
    BASE,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ webhooks: Type.Array(Webhook) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      return { webhooks: await listSubscriptions(db, accountId) };
    },
  );
  app.get(
    ONE,
    { schema: { params: WebhookParams, response: { 200: Webhook, ...errorResponses } } },
    async (req) => {
      const { accountId, subscriptionId } = req.params as WebhookParamsT;
      requireAdmin(req, accountId);
      return webhookOfRow(await getSubscription(db, accountId, subscriptionId));
    },
  );
  app.patch(
    ONE,
    {
      schema: {
        params: WebhookParams,
        body: UpdateWebhookBody,
        response: { 200: WebhookMaybeSecret, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, subscriptionId } = req.params as WebhookParamsT;
      requireAdmin(req, accountId);
      const body = req.body as UpdateWebhookBodyT;
      const { webhook, secret } = await updateSubscription(
        db,
        guards,
        accountId,
        subscriptionId,
        body,
        now().toISOString(),
      );
      return { ...webhook, ...(secret ? { secret } : {}) };
    },
  );
  app.delete(
    ONE,
    { schema: { params: WebhookParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const { accountId, subscriptionId } = req.params as WebhookParamsT;
      requireAdmin(req, accountId);
      await deleteSubscription(db, accountId, subscriptionId);
      return reply.status(204).send();
    },
  );
  app.get(
    `${ONE}/deliveries`,
    {
      schema: {
        params: WebhookParams,
        querystring: DeliveriesQuery,
        response: { 200: DeliveryPage, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, subscriptionId } = req.params as WebhookParamsT;
      requireAdmin(req, accountId);
      const sub = await getSubscription(db, accountId, subscriptionId);
      const q = req.query as DeliveriesQueryT;
      return listDeliveries(db, sub.id, q.maxResults ?? 50, q.nextToken);
    },
  );
}

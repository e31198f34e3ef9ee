import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { checkRegistry } from '../../resources/registries/registry-check.js';
import { registryHostOf } from '../../resources/registries/registry-address.js';
import {
  createRegistry,
  deleteRegistry,
  listRegistries,
  registryRow,
  registryView,
  updateRegistry,
  type RegistryInput,
} from '../../resources/registries/registry-store.js';
import { pollRegistry } from '../../scan/registry-poll.js';
import { requireAccount, requireAdmin } from '../auth/auth-hook.js';
import { AccountParams, errorResponses, type AccountParamsT } from './route-schemas.js';
import {
  CreateRegistryBody,
  PollOutcomeSchema,
  Registry,
  RegistryCheckSchema,
  RegistryParams,
  RegistryWithSecret,
  UpdateRegistryBody,
  type CreateRegistryBodyT,
  type RegistryParamsT,
  type UpdateRegistryBodyT,
} from './registry-schemas.js';

const BASE = '/v1/accounts/:accountId/registries';
const ONE = `${BASE}/:registryId`;

/** Only the fields a body gave (exactOptionalPropertyTypes: no `undefined` values). */
function inputOf(b: UpdateRegistryBodyT): Partial<RegistryInput> {
  return Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined));
}

/**
 * Registries an account watches. Changing them needs an admin key (they hold credentials and make the
 * server connect somewhere, plain HTTP included); any key of the account reads them, never their
 * credentials. The notification secret is in the create answer only.
 */
export function registerRegistryRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const { db, now, egress, secrets } = ctx;
  /** The registry's host must pass the egress policy now, for a clear 403 rather than failing scans later. */
  const allowed = async (url: string, insecure: boolean): Promise<void> => {
    await egress.check(`https://${registryHostOf(url, insecure)}/`);
  };
  app.post(
    BASE,
    {
      schema: {
        params: AccountParams,
        body: CreateRegistryBody,
        response: { 201: RegistryWithSecret, ...errorResponses },
      },
    },
    async (req, reply) => {
      const { accountId } = req.params as AccountParamsT;
      requireAdmin(req, accountId);
      const body = req.body as CreateRegistryBodyT;
      await allowed(body.url, body.insecure === true);
      const { registry, notificationSecret } = await createRegistry(
        db,
        secrets,
        accountId,
        inputOf(body) as RegistryInput,
        now().toISOString(),
      );
      return reply
        .status(201)
        .send({ ...registry, notificationSecret, notificationUrl: `/v1/registry-events/${registry.id}` });
    },
  );
  app.get(
    BASE,
    {
      schema: {
        params: AccountParams,
        response: { 200: Type.Object({ registries: Type.Array(Registry) }), ...errorResponses },
      },
    },
    async (req) => {
      const { accountId } = req.params as AccountParamsT;
      requireAccount(req, accountId);
      return { registries: await listRegistries(db, accountId) };
    },
  );
  app.get(
    ONE,
    { schema: { params: RegistryParams, response: { 200: Registry, ...errorResponses } } },
    async (req) => {
      const { accountId, registryId } = req.params as RegistryParamsT;
      requireAccount(req, accountId);
      return registryView(await registryRow(db, accountId, registryId));
    },
  );
  app.patch(
    ONE,
    {
      schema: {
        params: RegistryParams,
        body: UpdateRegistryBody,
        response: { 200: Registry, ...errorResponses },
      },
    },
    async (req) => {
      const { accountId, registryId } = req.params as RegistryParamsT;
      requireAdmin(req, accountId);
      const patch = inputOf(req.body as UpdateRegistryBodyT);
      const old = await registryRow(db, accountId, registryId);
      if (patch.url !== undefined || patch.insecure !== undefined)
        await allowed(patch.url ?? old.host, patch.insecure ?? old.insecure === 1);
      return updateRegistry(db, secrets, accountId, registryId, patch, now().toISOString());
    },
  );
  app.delete(
    ONE,
    { schema: { params: RegistryParams, response: { 204: Type.Null(), ...errorResponses } } },
    async (req, reply) => {
      const { accountId, registryId } = req.params as RegistryParamsT;
      requireAdmin(req, accountId);
      await deleteRegistry(db, accountId, registryId);
      return reply.status(204).send();
    },
  );
  app.post(
    `${ONE}/check`,
    { schema: { params: RegistryParams, response: { 200: RegistryCheckSchema, ...errorResponses } } },
    async (req) => {
      const { accountId, registryId } = req.params as RegistryParamsT;
      requireAdmin(req, accountId);
      return checkRegistry(egress, secrets, await registryRow(db, accountId, registryId), now());
    },
  );
  app.post(
    `${ONE}/poll`,
    { schema: { params: RegistryParams, response: { 200: PollOutcomeSchema, ...errorResponses } } },
    async (req) => {
      const { accountId, registryId } = req.params as RegistryParamsT;
      requireAdmin(req, accountId);
      return pollRegistry(ctx, await registryRow(db, accountId, registryId));
    },
  );
}

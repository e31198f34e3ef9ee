import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { NotFoundError } from '../../core/errors/not-found-error.js';
import { jsonDepthExceeds, MAX_JSON_DEPTH } from '../../core/json-depth.js';
import { NotificationSecretInvalidError } from '../../resources/registries/notification-secret-invalid-error.js';
import { parseRegistryEvents } from '../../resources/registries/registry-event-parse.js';
import { registryOfNotification, type RegistryRow } from '../../resources/registries/registry-store.js';
import { applyRegistryEvents } from '../../scan/registry-events.js';
import { bearerToken } from '../auth/auth-hook.js';
import { jsonTooDeep } from '../http/json-body.js';
import { errorResponses, ErrorSchema, IdString } from './route-schemas.js';

/** The media types CNCF distribution posts its envelopes with (2.x sends v1, the spec names v2). */
export const DISTRIBUTION_EVENTS_TYPES = [
  'application/vnd.docker.distribution.events.v1+json',
  'application/vnd.docker.distribution.events.v2+json',
];
const Params = Type.Object({ registryId: IdString(100) });

declare module 'fastify' {
  interface FastifyRequest {
    /** Set on POST /v1/registry-events/:registryId once its notification secret matched. */
    notifyingRegistry?: RegistryRow;
  }
}

const Outcome = Type.Object({
  events: Type.Integer({ description: 'events acted on' }),
  scansQueued: Type.Integer(),
  deduplicated: Type.Integer({ description: 'pushes a queued, running or later scan of the digest covers' }),
  excluded: Type.Integer({ description: 'pushes to repositories no inclusion rule matches' }),
  pulls: Type.Integer(),
  deleted: Type.Integer(),
  ignored: Type.Array(Type.Object({ index: Type.Integer(), reason: Type.String() })),
});

/**
 * Where watched registries post what happens to their images: the distribution envelope or Harbor's
 * webhook, with the registry's notification secret as a bearer token (checked before the body is read:
 * a caller without it costs one indexed lookup and gets a 401, nothing is scanned).
 */
export function registerRegistryEventRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser(DISTRIBUTION_EVENTS_TYPES, { parseAs: 'string' }, (req, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (jsonDepthExceeds(text, MAX_JSON_DEPTH)) return done(jsonTooDeep(), undefined);
    void parse(req, text, done);
    return undefined;
  });
  const authenticate = async (req: FastifyRequest): Promise<void> => {
    const { registryId } = req.params as Static<typeof Params>;
    const found = await registryOfNotification(ctx.db, registryId, bearerToken(req.headers.authorization));
    if (found === undefined) throw new NotFoundError(`registry ${registryId}`);
    if (found === 'mismatch') throw new NotificationSecretInvalidError();
    req.notifyingRegistry = found;
  };
  app.post(
    '/v1/registry-events/:registryId',
    {
      config: { ownAuthentication: true },
      onRequest: authenticate,
      schema: {
        params: Params,
        security: [],
        response: { 202: Outcome, ...errorResponses, 401: ErrorSchema },
      },
    },
    async (req, reply) => {
      const registry = req.notifyingRegistry;
      if (!registry) throw new NotificationSecretInvalidError();
      const parsed = parseRegistryEvents(req.body, ctx.now());
      const outcome = await applyRegistryEvents(ctx, registry, parsed.events);
      return reply.status(202).send({ events: parsed.events.length, ...outcome, ignored: parsed.ignored });
    },
  );
}

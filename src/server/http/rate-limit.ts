import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { boundedRateStore } from './bounded-rate-store.js';
import { HttpError } from './http-error.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** The per-key limit, for routes that authenticate in their handler (the Inspector2 API's SigV4). */
    keyRateLimit(req: FastifyRequest, reply: FastifyReply): Promise<void>;
  }
}

/** Liveness probes must never be refused: an orchestrator would restart a healthy server. */
const EXEMPT = new Set(['/health']);
const WINDOW_MS = 60_000;

function isExempt(req: FastifyRequest): boolean {
  return EXEMPT.has(req.routeOptions.url ?? '');
}

function limited(reply: FastifyReply, ttlMs: number): HttpError {
  const retryAfterSeconds = Math.max(1, Math.ceil(ttlMs / 1000));
  void reply.header('retry-after', String(retryAfterSeconds));
  return new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s`, {
    retryAfterSeconds,
  });
}

/**
 * Two limits per minute, each 429 RATE_LIMITED with Retry-After:
 * - per client address (IPv6 by /64): failed authentications. Once an address has spent its budget,
 *   EVERY request from it is refused before authentication, whatever token it carries, so random keys
 *   cannot buy fresh buckets and no token skips the address limit.
 * - per key, for authenticated requests only (the key's id, never a presented string: a key that does
 *   not exist gets no bucket).
 * Buckets live in bounded memory that evicts limited buckets last (bounded-rate-store.ts).
 */
export async function installRateLimit(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const { rateLimitPerMinute, authFailuresPerMinute, rateLimitBuckets } = ctx.config;
  await app.register(rateLimit, {
    global: false,
    timeWindow: WINDOW_MS,
    store: boundedRateStore(rateLimitBuckets),
  });
  // The default key is the client address, IPv6 grouped by /64 (@fastify/rate-limit's normalizeIP).
  const failures = app.createRateLimit({ max: authFailuresPerMinute });
  const perKey = app.createRateLimit({
    max: rateLimitPerMinute,
    keyGenerator: (req) => `key:${req.principal?.keyId ?? ''}`,
  });

  // Before authentication (registered before the auth hook): an address out of budget costs no lookup.
  app.addHook('onRequest', async (req, reply) => {
    if (isExempt(req)) return;
    const f = await failures(req, { increment: false });
    if (!f.isAllowed && f.remaining === 0) throw limited(reply, f.ttl);
  });
  const keyRateLimit = async (req: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (isExempt(req) || !req.principal) return;
    const k = await perKey(req);
    if (!k.isAllowed && k.isExceeded) throw limited(reply, k.ttl);
  };
  app.decorate('keyRateLimit', keyRateLimit);
  // After authentication, before the body is read: the key's own budget.
  app.addHook('preParsing', keyRateLimit);
  // Every refused authentication counts against the address, whatever the token was.
  app.addHook('onResponse', async (req, reply) => {
    if ((reply.statusCode === 401 || req.authenticationRefused === true) && !isExempt(req))
      await failures(req);
  });
}

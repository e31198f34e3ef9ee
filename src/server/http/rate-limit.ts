import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashKey } from '../../accounts/api-keys.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { HttpError } from './http-error.js';

/** Liveness probes must never be refused: an orchestrator would restart a healthy server. */
const EXEMPT = new Set(['/health']);

/**
 * The bucket of a request: the presented key (by its SHA-256, so the limiter's memory never holds a
 * key), else the console session (by its SHA-256), else the client address. Each key has its own bucket: one busy integration cannot starve another.
 */
export function rateLimitBucket(req: FastifyRequest): string {
  const token = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '')?.[1];
  if (token) return `key:${hashKey(token)}`;
  // A console session is its own bucket too (hashed like a key); the cookie is not parsed yet here.
  const session = /(?:^|;\s*)vigil_session=([^;\s]+)/.exec(req.headers.cookie ?? '')?.[1];
  return session ? `session:${hashKey(session)}` : `ip:${req.ip}`;
}

/**
 * Requests per key per minute (ctx.config.rateLimitPerMinute); over it → 429 RATE_LIMITED with
 * Retry-After. Installed as an app-wide onRequest hook before authentication, so a flood is turned
 * away before it costs a key lookup, and unauthenticated floods are limited per address.
 */
export async function installRateLimit(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  await app.register(rateLimit, {
    global: false,
    max: ctx.config.rateLimitPerMinute,
    timeWindow: 60_000,
    keyGenerator: rateLimitBucket,
    allowList: (req) => EXEMPT.has(req.routeOptions.url ?? ''),
    errorResponseBuilder: (_req, c) => {
      const retryAfterSeconds = Math.max(1, Math.ceil(c.ttl / 1000));
      return new HttpError(429, 'RATE_LIMITED', `too many requests; retry in ${retryAfterSeconds} s`, {
        retryAfterSeconds,
      });
    },
  });
  app.addHook('onRequest', app.rateLimit());
}

import type { FastifyInstance } from 'fastify';
import { readinessOf, type ReadinessCheck } from '../../jobs/readiness.js';

/** A probe answers within this, whatever hangs behind it (load balancers time out at a few seconds). */
const READY_TIMEOUT_MS = 2000;

/**
 * The probes, unauthenticated (auth-hook's PUBLIC list) and out of the OpenAPI document: `/health`
 * says the process is up (a liveness probe: restart it if not); `/ready` says whether what it needs
 * answers — 200, or 503 naming what is down (a readiness probe: send it no traffic meanwhile). Neither
 * says more than up or down.
 */
export function registerHealthRoutes(app: FastifyInstance, checks: readonly ReadinessCheck[]): void {
  app.get('/health', { schema: { hide: true } }, () => ({ status: 'ok' }));
  app.get('/ready', { schema: { hide: true } }, async (_req, reply) => {
    const r = await readinessOf(checks, READY_TIMEOUT_MS);
    return reply
      .code(r.ready ? 200 : 503)
      .header('cache-control', 'no-store')
      .send({ status: r.ready ? 'ready' : 'unavailable', checks: r.checks });
  });
}

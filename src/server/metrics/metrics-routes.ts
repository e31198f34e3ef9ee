import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import { bearerToken } from '../auth/auth-hook.js';
import { CHECKIN_ROUTE } from '../auth/host-auth.js';
import { HttpError } from '../http/http-error.js';
import { createServiceMetrics, type CheckinResult, type ServiceMetrics } from './service-metrics.js';

export interface MetricsOptions {
  /** The bearer token scrapers send (`vigil server --metrics-token-file`). */
  token: string;
}

const ROUTE = '/metrics';

/**
 * GET /metrics, Prometheus text format. Off unless the operator gives a scrape token: then it answers
 * a request with `Authorization: Bearer TOKEN` only (API keys do not open it, nor does it open the API),
 * and its counters start. Hidden from the OpenAPI document: it is no account's route. Off, it answers
 * 404 METRICS_DISABLED rather than the console's page.
 */
export function installMetrics(app: FastifyInstance, ctx: ServiceContext, opts?: MetricsOptions): void {
  const config = { ownAuthentication: true };
  if (!opts) {
    app.get(ROUTE, { schema: { hide: true }, config }, () => {
      throw new HttpError(
        404,
        'METRICS_DISABLED',
        'metrics are off (vigil server --metrics-token-file FILE)',
      );
    });
    return;
  }
  const metrics = createServiceMetrics(ctx);
  const expected = digest(opts.token);
  app.addHook('onResponse', (req, reply, done) => {
    observe(metrics, req, reply);
    done();
  });
  app.addHook('onClose', (_app, done) => {
    metrics.close();
    done();
  });
  app.get(ROUTE, { schema: { hide: true }, config }, async (req, reply) => {
    const token = bearerToken(req.headers.authorization);
    if (token === undefined || !timingSafeEqual(digest(token), expected))
      throw new HttpError(
        401,
        'METRICS_UNAUTHENTICATED',
        'missing or wrong metrics token (Authorization: Bearer …)',
      );
    const text = await metrics.registry.metrics();
    return reply.type(metrics.registry.contentType).send(text);
  });
}

/** Compared as digests: equal lengths for timingSafeEqual, whatever was sent. */
function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

function observe(metrics: ServiceMetrics, req: FastifyRequest, reply: FastifyReply): void {
  // The route's template (`/v1/accounts/:accountId/…`), never the URL: no ids in labels, bounded series.
  const route = req.routeOptions.url ?? 'unmatched';
  metrics.observeRequest({
    method: req.method,
    route,
    statusCode: reply.statusCode,
    seconds: reply.elapsedTime / 1000,
  });
  if (route === CHECKIN_ROUTE && req.method === 'POST')
    metrics.agentCheckin(checkinResult(req, reply.statusCode));
}

function checkinResult(req: FastifyRequest, status: number): CheckinResult {
  if (status >= 500) return 'failed';
  if (status >= 400) return 'refused';
  const body = req.body as { inventory?: unknown } | undefined;
  return body?.inventory !== undefined ? 'inventory' : 'heartbeat';
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ServiceContext } from '../../jobs/service-context.js';
import {
  detailsOfResponse,
  isAudited,
  routePattern,
  targetOf,
  writeAuditEntry,
} from '../../accounts/audit/audit-entry.js';
import { RefusalAudit } from '../../accounts/audit/refusal-audit.js';
import { CHECKIN_ROUTE } from '../auth/host-auth.js';

/**
 * One audit_log row per mutating call (every method but GET/HEAD/OPTIONS, and but accepted agent
 * check-ins), refused ones included:
 * a 401/403/404 on someone else's account is exactly what an auditor looks for. The row is written
 * after the response and never fails the request; the body is never stored, only ids or an error code.
 * Refused authentications (401) and rate-limit refusals (429) are the exception: one row per source,
 * account and minute with a count (refusal-audit.ts), so a flood cannot fill an account's log.
 */
export function installAuditLog(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  const details = new WeakMap<FastifyRequest, Record<string, unknown>>();
  const refusals = new RefusalAudit(ctx.db);
  app.addHook('onSend', (req, reply, payload) => {
    if (isAudited(req.method)) details.set(req, detailsOfResponse(reply.statusCode, payload));
    return Promise.resolve(payload);
  });
  app.addHook('onResponse', async (req, reply) => {
    if (!isAudited(req.method)) return;
    // A host's heartbeats are no one's act and would be most of the log; refused ones are kept.
    if (req.routeOptions.url === CHECKIN_ROUTE && reply.statusCode < 400) return;
    const params = (req.params ?? {}) as Record<string, unknown>;
    const url = req.routeOptions.url;
    const pathParam = typeof params['accountId'] === 'string' ? params['accountId'] : undefined;
    const action = `${req.method} ${url ? routePattern(url) : '(no route)'}`;
    // A refused authentication is one, whatever status the route answers it with (AWS's 403s).
    const status = req.authenticationRefused === true ? 401 : reply.statusCode;
    try {
      if (RefusalAudit.aggregates(status)) {
        await refusals.record({
          at: ctx.now(),
          source: req.ip,
          accountId: pathParam ?? req.principal?.accountId ?? null,
          keyId: req.principal?.keyId ?? null,
          status,
          action,
        });
        return;
      }
      await writeAuditEntry(ctx.db, {
        at: ctx.now().toISOString(),
        keyId: req.principal?.keyId ?? null,
        accountId: pathParam ?? req.principal?.accountId ?? null,
        action,
        // No route: keep the path asked for (cut short), so probing of unknown paths is visible too.
        target: url ? targetOf(params) : { path: (req.url.split('?')[0] ?? '').slice(0, 200) },
        result: String(reply.statusCode),
        details: details.get(req) ?? {},
      });
    } catch (err) {
      req.log.error({ err }, 'audit log write failed');
    }
  });
  return Promise.resolve();
}

import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { listAuditLog } from '../../accounts/audit/audit-query.js';
import { principalOf } from '../auth/auth-hook.js';
import { DATE_TIME_PATTERN, isRealDateTime } from '../../core/date-time-text.js';
import { forbidden, HttpError, notFound } from '../http/http-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { AccountIdString, errorResponses } from './route-schemas.js';

const Query = Type.Object({
  accountId: Type.Optional(AccountIdString),
  action: Type.Optional(
    Type.String({ maxLength: 300, description: 'exact action, e.g. "POST /v1/accounts/{accountId}/keys"' }),
  ),
  since: Type.Optional(Type.String({ pattern: DATE_TIME_PATTERN, description: 'RFC 3339, inclusive' })),
  until: Type.Optional(Type.String({ pattern: DATE_TIME_PATTERN, description: 'RFC 3339, exclusive' })),
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  nextToken: Type.Optional(Type.String({ maxLength: 1000 })),
});

interface AuditListQuery {
  accountId?: string;
  action?: string;
  since?: string;
  until?: string;
  maxResults?: number;
  nextToken?: string;
}

const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.String(),
  keyId: Type.Union([Type.String(), Type.Null()]),
  accountId: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.Record(Type.String(), Type.String()), Type.Null()]),
  result: Type.String(),
  details: Type.Record(Type.String(), Type.Unknown()),
});

/**
 * Timestamps are stored as toISOString() text; the bounds must be spelled the same to compare as text.
 * A date the calendar lacks (02-30; a leap second passed `format: date-time` and then threw) is a 400.
 */
function iso(name: string, s: string | undefined): string | undefined {
  if (s === undefined) return undefined;
  if (!isRealDateTime(s))
    throw new HttpError(400, 'VALIDATION', `${name} is not a real date-time`, { [name]: s });
  return new Date(s).toISOString();
}

/** GET /v1/audit-log: admin keys only, rows of the accounts the key may see, newest first. */
export function registerAuditRoutes(app: FastifyInstance, { db }: ServiceContext): void {
  app.get(
    '/v1/audit-log',
    {
      schema: {
        querystring: Query,
        response: {
          200: Type.Object({ entries: Type.Array(Entry), nextToken: Type.Optional(Type.String()) }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const p = principalOf(req);
      if (p.role !== 'admin') throw forbidden('the audit log is for admin keys');
      const q = req.query as AuditListQuery;
      if (q.accountId !== undefined && !p.visibleAccountIds.includes(q.accountId))
        throw notFound(`account ${q.accountId}`);
      const since = iso('since', q.since);
      const until = iso('until', q.until);
      return listAuditLog(db, {
        accountIds: q.accountId !== undefined ? [q.accountId] : p.visibleAccountIds,
        limit: q.maxResults ?? 100,
        ...(q.action !== undefined ? { action: q.action } : {}),
        ...(since !== undefined ? { since } : {}),
        ...(until !== undefined ? { until } : {}),
        ...(q.nextToken !== undefined ? { nextToken: q.nextToken } : {}),
      });
    },
  );
}

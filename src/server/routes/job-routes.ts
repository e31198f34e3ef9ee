import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { isServerAdmin } from '../../accounts/server-admin.js';
import type { Principal } from '../../accounts/api-keys.js';
import type { DeadLetterFilter } from '../../jobs/queue/job-queue.js';
import { JobNotFoundError } from '../../jobs/queue/job-not-found-error.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { principalOf } from '../auth/auth-hook.js';
import { forbidden } from '../http/http-error.js';
import { errorResponses, IdString } from './route-schemas.js';

const DeadLetterSchema = Type.Object({
  id: Type.String(),
  type: Type.String(),
  payload: Type.Record(Type.String(), Type.Unknown()),
  accountId: Type.Union([Type.String(), Type.Null()]),
  error: Type.String(),
  attempts: Type.Integer(),
  failedAt: Type.String(),
});

const ListQuery = Type.Object({
  maxResults: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
});
const RetryParams = Type.Object({ jobId: IdString(100) });

/**
 * What the key may see: an admin sees the jobs of the accounts it sees; jobs of no account (re-match
 * batches across the fleet) only the server's own administrator (isServerAdmin).
 */
async function scopeOf(ctx: ServiceContext, p: Principal): Promise<DeadLetterFilter> {
  if (p.role !== 'admin') throw forbidden('dead-lettered jobs are for admin keys');
  return { accountIds: p.visibleAccountIds, includeSystem: await isServerAdmin(ctx.db, p) };
}

/**
 * GET /v1/jobs/dead-letter: jobs that failed past their retries (queue mode), newest first.
 * POST /v1/jobs/dead-letter/{jobId}/retry: queues one again with fresh retries. Without a job queue
 * (the embedded default) the list is empty: a failure stays on its row (a FAILED scan or report).
 */
export function registerJobRoutes(app: FastifyInstance, ctx: ServiceContext): void {
  app.get(
    '/v1/jobs/dead-letter',
    {
      schema: {
        querystring: ListQuery,
        response: {
          200: Type.Object({
            queue: Type.Union([Type.Literal('in-process'), Type.Literal('pg-boss'), Type.Null()]),
            jobs: Type.Array(DeadLetterSchema),
          }),
          ...errorResponses,
        },
      },
    },
    async (req) => {
      const scope = await scopeOf(ctx, principalOf(req));
      const limit = (req.query as { maxResults?: number }).maxResults ?? 100;
      if (!ctx.queue) return { queue: null, jobs: [] };
      return { queue: ctx.queue.kind, jobs: await ctx.queue.deadLetters({ ...scope, limit }) };
    },
  );

  app.post(
    '/v1/jobs/dead-letter/:jobId/retry',
    {
      schema: {
        params: RetryParams,
        response: { 202: Type.Object({ jobId: Type.String() }), ...errorResponses },
      },
    },
    async (req, reply) => {
      const scope = await scopeOf(ctx, principalOf(req));
      const { jobId } = req.params as { jobId: string };
      if (!ctx.queue) throw new JobNotFoundError(jobId);
      // One not visible to this key is as absent as one that never was.
      const sent = await ctx.queue.retryDeadLetter(jobId, scope);
      return reply.code(202).send({ jobId: sent });
    },
  );
}

import type { FastifyInstance } from 'fastify';
import { pollingTask } from '../server/background/polling-task.js';
import type { BackgroundTask, ServerContext } from '../server/server-context.js';
import { lockAccountSuppression } from './account-lock.js';
import { reevaluateSuppression } from './suppression-reevaluator.js';

/**
 * Rules stop suppressing at `expiresAt` without anyone touching them: the lifecycle and the rule
 * routes already ignore expired rules, but the findings they suppressed must become ACTIVE again
 * (with their `vigil.finding.updated` events) even if no scan or rule change comes along.
 *
 * Each run re-evaluates the accounts with a rule that expired since the previous run. The first run
 * after a start takes every rule that ever expired, so rules that expired while the server was down
 * are not missed; re-evaluation only writes what changes, so doing an account twice costs a read.
 */
export function createRuleExpiryTask(ctx: ServerContext, app: FastifyInstance): BackgroundTask {
  let since: string | undefined;
  const once = async (): Promise<void> => {
    const now = ctx.now();
    const iso = now.toISOString();
    let q = ctx.db
      .selectFrom('suppression_rules')
      .select('account_id')
      .distinct()
      .where('expires_at', 'is not', null)
      .where('expires_at', '<=', iso);
    if (since !== undefined) q = q.where('expires_at', '>', since);
    const accounts = await q.execute();
    for (const { account_id } of accounts) {
      await ctx.db.transaction().execute(async (trx) => {
        await lockAccountSuppression(trx, account_id);
        await reevaluateSuppression(trx, account_id, now);
      });
    }
    // Only after every account is done: a failed run is retried whole on the next tick.
    since = iso;
  };
  return pollingTask('rule-expiry', ctx.config.pollIntervalMs, once, (err) =>
    app.log.error({ err }, 'rule expiry run failed'),
  );
}

import type { StoreContext } from '../../store/store-context.js';
import { lockAccountSuppression } from './account-lock.js';
import { reevaluateSuppression } from './suppression-reevaluator.js';

/**
 * Rules stop suppressing at `expiresAt` without anyone touching them: the lifecycle and the rule
 * routes already ignore expired rules, but the findings they suppressed must become ACTIVE again
 * (with their `vigil.finding.updated` events) even if no scan or rule change comes along.
 *
 * Re-evaluates the accounts with a rule that expired after `since` (every rule that ever expired when
 * undefined, so rules that expired while the server was down are not missed) and returns the new
 * `since`. Re-evaluation only writes what changes, so doing an account twice costs a read.
 */
export async function reevaluateExpiredRules(ctx: StoreContext, since: string | undefined): Promise<string> {
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
  return iso;
}

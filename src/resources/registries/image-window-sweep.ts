import { refreshCoverage } from '../coverage/coverage-store.js';
import type { StoreContext } from '../../store/store-context.js';
import { closeImageFindings, lapsedImages } from './registry-image-store.js';

const BATCH = 200;

/**
 * Images whose rescan window has ended: coverage INACTIVE / SCAN_ELIGIBILITY_EXPIRED and their
 * findings closed (nothing re-matches them any more, so findings would only go stale). One short
 * transaction per image; returns how many lapsed.
 */
export async function expireLapsedImages(ctx: StoreContext): Promise<number> {
  let total = 0;
  for (;;) {
    const now = ctx.now();
    const batch = await lapsedImages(ctx.db, now.toISOString(), BATCH);
    for (const img of batch)
      await ctx.db.transaction().execute(async (trx) => {
        const c = await refreshCoverage(trx, { accountId: img.account_id, resourceId: img.resource_id, now });
        if (c?.reason === 'SCAN_ELIGIBILITY_EXPIRED')
          await closeImageFindings(trx, img.account_id, img.resource_id, now);
      });
    total += batch.length;
    if (batch.length < BATCH) return total;
  }
}

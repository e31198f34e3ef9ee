import {
  setImageScanConfig,
  type ImageScanConfig,
  type InclusionRule,
} from '../accounts/image-scan-config.js';
import type {
  PullRescanDuration,
  PullRescanMode,
  RescanDuration,
} from '../accounts/image-rescan-settings.js';
import { NotFoundError } from '../core/errors/not-found-error.js';
import { reevaluateImages } from '../resources/registries/registry-image-store.js';
import type { StoreContext } from '../store/store-context.js';
import { queueWatchedScan } from './registry-events.js';

export interface ImageScanningChange {
  rules: readonly InclusionRule[];
  rescanDuration: RescanDuration;
  pullDateRescanDuration?: PullRescanDuration;
  pullDateRescanMode?: PullRescanMode;
}

/**
 * Replaces an account's image scan configuration and decides every known image again in the same
 * transaction: its rule and window, its coverage; images no rule includes any more, or past their new
 * window, have their findings closed; images newly included that were never scanned are queued.
 */
export async function updateImageScanning(
  ctx: StoreContext,
  accountId: string,
  change: ImageScanningChange,
): Promise<{ configuration: ImageScanConfig; imagesReevaluated: number; scansQueued: number }> {
  const now = ctx.now();
  return ctx.db.transaction().execute(async (trx) => {
    const configuration = await setImageScanConfig(trx, { accountId, ...change, now });
    if (!configuration) throw new NotFoundError(`account ${accountId}`);
    const { evaluated, unscanned } = await reevaluateImages(trx, accountId, configuration, now);
    for (const img of unscanned) {
      const reg = await trx
        .selectFrom('registries')
        .select('host')
        .where('id', '=', img.registry_id)
        .executeTakeFirst();
      if (!reg) continue;
      await queueWatchedScan({ ...ctx, db: trx }, trx, {
        accountId,
        registryId: img.registry_id,
        registryHost: reg.host,
        repository: img.repository,
        digest: img.resource_id,
      });
    }
    return { configuration, imagesReevaluated: evaluated, scansQueued: unscanned.length };
  });
}

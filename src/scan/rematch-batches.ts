import { resourcesHoldingKeys, type ResourceRef } from '../resources/inventory-index.js';
import { storedInventoryPage } from '../resources/rematch-targets.js';
import type { StoreContext } from '../store/store-context.js';
import { holdWalResets } from '../store/wal-reset-hold.js';
import type { PackageKey } from '../vulndb/import-types.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { RematchRun, type RematchOptions, type RematchSummary } from './rematch-run.js';

/**
 * The stored inventories a re-match covers (those holding a changed key; all of them when `keys` is
 * undefined), cut into batches of `batchSize`: the queue's unit of work, so N workers share one
 * re-match. Inventories stored before the index existed are indexed first, as a whole run does.
 */
export async function planRematchBatches(
  ctx: StoreContext,
  store: VulnStore,
  keys: readonly PackageKey[] | undefined,
  batchSize: number,
): Promise<ResourceRef[][]> {
  await new RematchRun(ctx, store, keys, {}).backfill();
  const refs: ResourceRef[] = [];
  if (keys) refs.push(...(await resourcesHoldingKeys(ctx.db, keys)));
  else
    for (let after: ResourceRef | undefined; ;) {
      const page = await storedInventoryPage(ctx.db, after, 1000);
      if (page.length === 0) break;
      refs.push(...page.map((r) => ({ accountId: r.accountId, resourceId: r.resourceId })));
      after = page[page.length - 1];
    }
  const batches: ResourceRef[][] = [];
  for (let i = 0; i < refs.length; i += batchSize) batches.push(refs.slice(i, i + batchSize));
  return batches;
}

/**
 * Re-matches one batch through the same lifecycle as a whole run (rematch-run.ts). Idempotent: the
 * findings' identity and digests make a second run of the same batch against the same data a no-op.
 */
export async function rematchBatch(
  ctx: StoreContext,
  store: VulnStore,
  keys: readonly PackageKey[] | undefined,
  refs: readonly ResourceRef[],
  opts: RematchOptions = {},
): Promise<RematchSummary> {
  const started = performance.now();
  const run = new RematchRun(ctx, store, keys, opts);
  const release = holdWalResets(ctx.db);
  try {
    await run.batch(refs);
    await run.finish();
  } finally {
    release();
  }
  return { ...run.summary, ...run.memo.stats, ms: Math.round(performance.now() - started) };
}

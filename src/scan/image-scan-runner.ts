import type { Selectable } from 'kysely';
import { untilAborted } from '../core/abortable.js';
import type { Inventory } from '../core/inventory.js';
import type { Egress } from '../egress/egress-client.js';
import type { Credentials } from '../source/image/registry/docker-config.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import { imageResource } from '../resources/resource-details.js';
import type { StoreContext } from '../store/store-context.js';
import type { ScanTable } from '../store/service-db-schema.js';
import { serverImageOptions, type ImageScanAsk } from './image-scan-policy.js';
import { applyFinishedScan, storedInventory } from './scan-apply.js';
import { inventoryOfTarget } from './scan-service.js';
import { failScan, requeueScan } from './scan-store.js';
import { ScanTimeoutError } from './scan-timeout-error.js';
import type { WorkerPool } from './worker-pool.js';
import type { MatchNote } from '../match/match-types.js';
import { outcomeOf } from './checkin-match.js';
import type { SecretBox } from '../store/secret-box.js';
import {
  recordWatchedFailure,
  watchedAskOf,
  watchedCredentials,
  watchedDetailsForApply,
} from './watched-image-scan.js';

export interface ScanLimits {
  /** Wall-clock budget of one scan, in ms. */
  budgetMs: number;
  /** The server stops: the scan is abandoned and queued again (it runs after the restart). */
  stop?: AbortSignal;
}

/** The inventory as stored: the image config's Env may hold secrets and is not kept. */
function storable(inv: Inventory): Inventory {
  const img = inv.source.image;
  const config = img?.['config'];
  if (!img || typeof config !== 'object' || config === null) return inv;
  const { env: _env, ...rest } = config as Record<string, unknown>;
  return { ...inv, source: { ...inv.source, image: { ...img, config: rest } } };
}

/**
 * Runs one claimed image scan and writes the outcome: SUCCEEDED with the resource, inventory, findings
 * and summary (one transaction), or FAILED with a stable `{code, message}` and nothing else written.
 * The scan has `budgetMs` in all: past it, its registry requests and its matching are abandoned and it
 * FAILS with SCAN_TIMEOUT (a tarpit registry holds one scan slot for the budget, never longer).
 */
export async function runImageScan(
  ctx: StoreContext & { egress: Egress; secrets?: SecretBox },
  pool: WorkerPool,
  row: Selectable<ScanTable>,
  limits: ScanLimits,
): Promise<void> {
  const budget = new AbortController();
  const timer = setTimeout(() => budget.abort(new ScanTimeoutError(limits.budgetMs)), limits.budgetMs);
  const signal = limits.stop ? AbortSignal.any([budget.signal, limits.stop]) : budget.signal;
  const now = ctx.now();
  try {
    // An image a watched registry told of is read with that registry's stored credentials.
    const watched = watchedAskOf(JSON.parse(row.request_json) as Record<string, unknown>);
    const credentials = watched && (await watchedCredentials(ctx.db, ctx.secrets, row.account_id, watched));
    const scanned = await untilAborted(scanImage(ctx.egress, pool, row, now, signal, credentials), signal);
    // Past the budget nothing is written, even if the work came back in the same tick.
    signal.throwIfAborted();
    const details = watched && (await watchedDetailsForApply(ctx.db, row.account_id, row.id, watched));
    await applyFinishedScan(ctx.db, {
      accountId: row.account_id,
      scan: { id: row.id, kind: 'image' },
      resource: details
        ? { ...scanned.resource, details: { ...scanned.resource.details, ...details } }
        : scanned.resource,
      inventory: storedInventory(storable(scanned.inventory)),
      findings: scanned.findings,
      now,
      // UNSUPPORTED_OS when the data has nothing for the image's OS (its language packages still matched).
      outcome: outcomeOf(scanned.inventory, scanned.notes),
      imageLayers: layerDigestsOf(scanned.inventory),
    });
  } catch (err) {
    if (limits.stop?.aborted && !budget.signal.aborted) await requeueScan(ctx.db, row.id);
    else {
      const reason: unknown = budget.signal.aborted ? budget.signal.reason : err;
      await failScan(ctx, row.id, reason);
      const watched = watchedAskOf(JSON.parse(row.request_json) as Record<string, unknown>);
      if (watched) await recordWatchedFailure(ctx, row.account_id, watched, reason);
    }
  } finally {
    clearTimeout(timer);
  }
}

/** The image's layer digests in order (the manifest's), as its packages' `layerDigest` name them. */
function layerDigestsOf(inv: Inventory): string[] {
  const layers = inv.source.image?.['layers'];
  if (!Array.isArray(layers)) return [];
  return layers.flatMap((l: unknown) => {
    const d = (l as { digest?: unknown } | null)?.digest;
    return typeof d === 'string' ? [d] : [];
  });
}

/** The image read here (I/O: the event loop waits on the registry), matched on a worker thread. */
async function scanImage(
  egress: Egress,
  pool: WorkerPool,
  row: Selectable<ScanTable>,
  now: Date,
  signal: AbortSignal,
  credentials: Credentials | undefined,
): Promise<{ inventory: Inventory; resource: FindingResource; findings: Finding[]; notes: MatchNote[] }> {
  const req = JSON.parse(row.request_json) as ImageScanAsk;
  const options = { ...serverImageOptions(req, egress), ...(credentials ? { credentials } : {}) };
  const inventory = await inventoryOfTarget({ kind: 'image', ref: req.reference, options }, { signal }, now);
  const resource = imageResource(inventory);
  const task = {
    kind: 'scan-inventory' as const,
    inventory,
    accountId: row.account_id,
    now: now.toISOString(),
    resource,
  };
  const scanned = await pool.run(task, signal);
  const findings = JSON.parse(scanned.findingsJson) as Finding[];
  return { inventory, resource, findings, notes: scanned.notes ?? [] };
}

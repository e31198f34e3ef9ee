import { isVigilError } from '../core/errors/vigil-error.js';
import { lockCoverage, refreshCoverage } from '../resources/coverage/coverage-store.js';
import { forgetInventory, hostStateOf } from '../resources/hosts/host-agent-store.js';
import {
  claimNewestUpload,
  deleteUpload,
  releaseUpload,
  storeUpload,
  unfinishedUploads,
  uploadStillNewest,
  type HostRef,
  type QueuedUpload,
} from '../resources/queued-upload-store.js';
import type { StoreContext } from '../store/store-context.js';
import { applyStoredCheckin, type CheckinBody, type CheckinContext } from './host-checkin.js';
import { requireHostSubmission, submitHostInventory, type HostSubmission } from './inventory-submission.js';
import { UploadBacklogFullError } from './upload-backlog-full-error.js';
import { UploadSupersededError } from './upload-superseded-error.js';
import type { WorkerPool } from './worker-pool.js';

/**
 * Queue mode (issue 17): the api stores what it received and sends the host's `inventory-match` job
 * (jobs/inventory-match-job.ts); a worker matches and applies it. This is how the api sends it.
 */
export interface UploadQueue {
  /** Sends the host's job; one already waiting or running for the host takes this upload too. */
  enqueue(ref: HostRef): Promise<void>;
  /** Stored and unfinished uploads past which more are refused (503 SERVER_BUSY): the disk's bound. */
  maxStored: number;
}

async function requireRoom(ctx: StoreContext, q: UploadQueue): Promise<void> {
  const stored = await unfinishedUploads(ctx.db);
  if (stored >= q.maxStored) throw new UploadBacklogFullError(stored);
}

/** A check-in's full inventory (checked by the route), stored for a worker: CheckinContext's `park`. */
export function parkCheckin(ctx: StoreContext, q: UploadQueue): NonNullable<CheckinContext['park']> {
  return async (host, body, inventory, now) => {
    await requireRoom(ctx, q);
    const stored: CheckinBody = { ...body, inventory };
    await storeUpload(ctx.db, {
      accountId: host.accountId,
      resourceId: host.resourceId,
      kind: 'checkin',
      receivedAt: now,
      inventoryHash: body.inventoryHash,
      body: JSON.stringify(stored),
    });
    await q.enqueue(host);
  };
}

/**
 * A submitted body, refused as the synchronous path refuses it (scanning off, not a host, not an
 * inventory: read on a worker thread), then stored as the vigil inventory it reads to, for a worker.
 */
export async function queueSubmission(
  ctx: StoreContext,
  pool: WorkerPool,
  q: UploadQueue,
  s: HostSubmission & { schema: object },
): Promise<{ resourceId: string; scanId: string; status: 'QUEUED' }> {
  await requireHostSubmission(ctx, s);
  await requireRoom(ctx, q);
  const now = ctx.now();
  const read = await pool.run({
    kind: 'read-submission',
    body: s.body,
    schema: s.schema,
    now: now.toISOString(),
  });
  const scanId = await storeUpload(ctx.db, {
    accountId: s.accountId,
    resourceId: s.resourceId,
    kind: 'submission',
    receivedAt: now,
    body: read.inventoryJson,
  });
  await q.enqueue(s);
  return { resourceId: s.resourceId, scanId, status: 'QUEUED' };
}

export interface UploadMatchContext extends CheckinContext {
  pool: WorkerPool;
}

/** Refusals that mean the host is not scanned now: its upload is dropped, as the synchronous path drops it. */
const NOT_SCANNED_NOW = new Set(['RESOURCE_EXCLUDED', 'SCANNING_DISABLED', 'RESOURCE_TYPE_MISMATCH']);

/**
 * A worker's `inventory-match` job for one host: claims its newest upload (deleting the older ones it
 * supersedes), matches and applies it as the synchronous path does, deletes it, and goes on while
 * newer ones arrived meanwhile. Nothing is claimed twice, so a repeated job does nothing. A failure
 * puts the upload back for the retry; the last one (`final`) gives it up: INTERNAL_ERROR for the host.
 * 'released': the process stopped, the upload waits again for another worker.
 */
export async function matchHostUploads(
  ctx: UploadMatchContext,
  ref: HostRef,
  o: { stop: AbortSignal; final: boolean },
): Promise<'done' | 'released'> {
  for (;;) {
    const upload = await claimNewestUpload(ctx.db, ref, ctx.now());
    if (!upload) return 'done';
    const beforeApply = async (): Promise<void> => {
      o.stop.throwIfAborted();
      if (!(await uploadStillNewest(ctx.db, upload))) throw new UploadSupersededError(upload.id);
    };
    try {
      await applyUpload({ ...ctx, beforeApply }, upload);
    } catch (err) {
      if (err instanceof UploadSupersededError) {
        await deleteUpload(ctx.db, upload.id);
        continue;
      }
      if (o.stop.aborted) {
        await releaseUpload(ctx.db, upload.id);
        return 'released';
      }
      if (o.final) await giveUp(ctx, upload);
      else await releaseUpload(ctx.db, upload.id);
      throw err;
    }
    await deleteUpload(ctx.db, upload.id);
  }
}

async function applyUpload(
  ctx: UploadMatchContext & { beforeApply: () => Promise<void> },
  upload: QueuedUpload,
): Promise<void> {
  const ref = { accountId: upload.account_id, resourceId: upload.resource_id };
  try {
    if (upload.kind === 'submission') {
      const body = Buffer.from(upload.body_json, 'utf8');
      await submitHostInventory(ctx, ctx.pool, {
        ...ref,
        body,
        scanId: upload.id,
        beforeApply: ctx.beforeApply,
      });
      return;
    }
    // Read first: a body that cannot be read fails whatever became of the host.
    const body = JSON.parse(upload.body_json) as CheckinBody;
    if (!body.inventory) throw new Error('the stored check-in holds no inventory');
    // The host as it is now (excluded since, its key revoked …), not as it was when the api stored it.
    const host = await hostStateOf(ctx.db, ref);
    if (host) await applyStoredCheckin(ctx, host, body, body.inventory, upload.id);
  } catch (err) {
    if (isVigilError(err) && NOT_SCANNED_NOW.has(err.code)) return;
    throw err;
  }
}

/**
 * The last attempt failed: the upload goes, and the host's coverage says INTERNAL_ERROR with its
 * inventory forgotten, so its next check-in is asked for a full one (what the synchronous path does).
 */
async function giveUp(ctx: StoreContext, upload: QueuedUpload): Promise<void> {
  await deleteUpload(ctx.db, upload.id);
  const now = ctx.now();
  const ref = { accountId: upload.account_id, resourceId: upload.resource_id };
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await lockCoverage(trx, ref.accountId, ref.resourceId);
      await forgetInventory(trx, { ...ref, now, wanted: true });
      await refreshCoverage(trx, {
        ...ref,
        now,
        outcome: { outcome: 'INTERNAL_ERROR', message: 'the server could not scan the inventory' },
      });
    });
  } catch {
    // The job's own failure is what its dead letter reports; this record is best effort.
  }
}

import { hostsWaitingSince, requeueStaleUploads } from '../resources/queued-upload-store.js';
import type { UploadQueue } from '../scan/queued-uploads.js';
import type { JobQueue } from './queue/job-queue.js';
import { INVENTORY_MATCH_RETRY_LIMIT, JOB_PRIORITY, QUEUE_JOB } from './queue-jobs.js';
import type { ServiceContext } from './service-context.js';

/** A QUEUED upload older than this whose job is not known to be sent is sent again by the feeder. */
const FEED_AFTER_MS = 5_000;

/**
 * A matching job's hold: pg-boss hands a dead worker's job on after it, and an upload RUNNING a
 * little longer has lost its worker and waits again. Matching is bounded as a scan is.
 */
function holdMs(ctx: ServiceContext): number {
  return ctx.config.scanTimeoutMs + Math.min(60_000, ctx.config.scanTimeoutMs);
}

/** Sends a host's `inventory-match` job: one per host at once (key), so its uploads apply in order. */
export function sendInventoryMatch(
  ctx: ServiceContext,
  queue: JobQueue,
  ref: { accountId: string; resourceId: string },
): Promise<string | undefined> {
  return queue.send(
    QUEUE_JOB.inventoryMatch,
    { accountId: ref.accountId, resourceId: ref.resourceId },
    {
      priority: JOB_PRIORITY['inventory-match'],
      singletonKey: `${ref.accountId}/${ref.resourceId}`,
      accountId: ref.accountId,
      retryLimit: INVENTORY_MATCH_RETRY_LIMIT,
      retryDelaySeconds: ctx.config.uploadRetryDelaySeconds,
      expireInSeconds: Math.ceil(holdMs(ctx) / 1000),
    },
  );
}

/** Queue mode: how the api hands a received inventory to the workers; undefined: matched in the request. */
export function uploadQueueOf(ctx: ServiceContext): UploadQueue | undefined {
  const queue = ctx.queue;
  if (!queue) return undefined;
  return {
    enqueue: async (ref) => {
      await sendInventoryMatch(ctx, queue, ref);
    },
    maxStored: ctx.config.maxStoredUploads,
  };
}

/**
 * The feeder's part: uploads RUNNING past their hold lost their worker (kill -9) and wait again, and
 * a host whose upload waits with no job known to be sent (the api died between the insert and the
 * send, a job lost with the queue) gets one. A job already waiting for the host drops the send.
 */
export async function feedUploads(
  ctx: ServiceContext,
  queue: JobQueue,
  sent: Map<string, number>,
  now: number,
  limit: number,
): Promise<void> {
  const at = ctx.now().getTime();
  await requeueStaleUploads(ctx.db, new Date(at - holdMs(ctx)));
  for (const ref of await hostsWaitingSince(ctx.db, new Date(at - FEED_AFTER_MS), limit)) {
    const key = `upload:${ref.accountId}/${ref.resourceId}`;
    if (sent.has(key)) continue;
    await sendInventoryMatch(ctx, queue, ref);
    sent.set(key, now);
  }
}

import { isVigilError } from '../core/errors/vigil-error.js';
import { deliverDue } from '../events/webhooks/webhook-delivery.js';
import { getSubscription } from '../events/webhooks/webhook-store.js';
import { runReportById } from '../reports/exports/report-runner.js';
import type { ResourceRef } from '../resources/inventory-index.js';
import { rematchBatch } from '../scan/rematch-batches.js';
import { claimScanById } from '../scan/scan-claim.js';
import type { PackageKey } from '../vulndb/import-types.js';
import type { JobHandler, JobPayload } from './queue/job-queue.js';
import { JobPayloadError } from './queue/job-payload-error.js';
import { runClaimedScan } from './scan-worker.js';
import type { ServiceContext } from './service-context.js';

/** The job types that travel through the queue (queue mode); each is consumed by the worker role. */
export const QUEUE_JOB = {
  imageScan: 'image-scan',
  webhookDeliver: 'webhook-deliver',
  reportExport: 'report-export',
  rematchBatch: 'rematch-batch',
} as const;
export type QueueJobType = (typeof QUEUE_JOB)[keyof typeof QUEUE_JOB];

/**
 * Priorities across types (higher first): an image scan someone waits for (a registry push, an API
 * request, a poll) before webhooks and downloads, and all of them before a re-match batch after a data
 * update, which no one waits on (what Dependency-Track 5 learnt from its users).
 */
export const JOB_PRIORITY: Readonly<Record<QueueJobType, number>> = {
  'image-scan': 20,
  'webhook-deliver': 15,
  'report-export': 10,
  'rematch-batch': 0,
};

/** Wall-clock budget of one webhook delivery job, so a slow receiver holds one slot for a while only. */
const DELIVERY_BUDGET_MS = 5_000;

/**
 * When pg-boss hands a delivery job on (its worker died holding it): a live one ends within its budget
 * plus one POST, so twice that. Without it pg-boss's 15-minute default held the subscription's
 * singleton key, and every later event of the subscription waited that long.
 */
export function webhookDeliverExpirySeconds(webhookTimeoutMs: number): number {
  return Math.ceil((2 * (DELIVERY_BUDGET_MS + webhookTimeoutMs)) / 1000);
}

/** What a handler gets beside its job: the service, a signal aborted when the process stops. */
export interface QueueJobEnv {
  ctx: ServiceContext;
  stop: AbortSignal;
}

/**
 * Every queue job type with its role and handler, listed explicitly. Each handler is idempotent: it
 * claims its row by state (scan, report), goes through the findings lifecycle (re-match) or the
 * delivery table (webhooks), so a job delivered twice has the effect of one.
 */
export const QUEUE_JOBS: ReadonlyArray<{
  type: QueueJobType;
  role: 'worker';
  handler: (env: QueueJobEnv) => JobHandler;
}> = [
  { type: QUEUE_JOB.imageScan, role: 'worker', handler: imageScanHandler },
  { type: QUEUE_JOB.webhookDeliver, role: 'worker', handler: webhookDeliverHandler },
  { type: QUEUE_JOB.reportExport, role: 'worker', handler: reportExportHandler },
  { type: QUEUE_JOB.rematchBatch, role: 'worker', handler: rematchBatchHandler },
];

function imageScanHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const scanId = stringField(job.type, job.payload, 'scanId');
    // Not QUEUED any more (done, or running elsewhere): this delivery is a repeat, nothing to do.
    const scan = await claimScanById(ctx, scanId);
    // A stop mid-scan puts the scan back QUEUED (image-scan-runner.ts); the feeder sends it again.
    if (scan) await runClaimedScan(ctx, scan, stop);
  };
}

function reportExportHandler({ ctx }: QueueJobEnv): JobHandler {
  return async (job) => {
    const reportId = stringField(job.type, job.payload, 'reportId');
    await runReportById(ctx, reportId, (header) => ctx.pool.run({ kind: 'report', job: header }));
  };
}

function webhookDeliverHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const accountId = stringField(job.type, job.payload, 'accountId');
    const subscriptionId = stringField(job.type, job.payload, 'subscriptionId');
    let sub;
    try {
      sub = await getSubscription(ctx.db, accountId, subscriptionId);
    } catch (err) {
      if (isVigilError(err) && err.code === 'NOT_FOUND') return; // deleted since: nothing to send
      throw err;
    }
    // In outbox order, the oldest PENDING first; a delivery already sent is not PENDING (sent once).
    await deliverDue(ctx, sub, { deadline: Date.now() + DELIVERY_BUDGET_MS, stop });
  };
}

function rematchBatchHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const store = ctx.vulnDb?.store ?? ctx.store;
    if (!store) throw new JobPayloadError(job.type, 'this process has no vulnerability DB');
    const { keys, resources } = rematchPayload(job.type, job.payload);
    await rematchBatch(ctx, store, keys, resources, { signal: stop });
  };
}

/** A re-match batch's payload: the changed keys (null: everything) and the inventories to re-match. */
export function rematchPayload(
  type: string,
  p: JobPayload,
): { keys: PackageKey[] | undefined; resources: ResourceRef[] } {
  const keys = p['keys'];
  const resources = p['resources'];
  if (keys !== null && !(Array.isArray(keys) && keys.every(isKey)))
    throw new JobPayloadError(type, 'keys must be null or a list of [ecosystem, name] pairs');
  if (!Array.isArray(resources) || !resources.every(isRef))
    throw new JobPayloadError(type, 'resources must be a list of { accountId, resourceId }');
  return { keys: keys === null ? undefined : keys, resources };
}

function isKey(k: unknown): k is PackageKey {
  return Array.isArray(k) && k.length === 2 && typeof k[0] === 'string' && typeof k[1] === 'string';
}

function isRef(r: unknown): r is ResourceRef {
  if (typeof r !== 'object' || r === null) return false;
  const o = r as Record<string, unknown>;
  return typeof o['accountId'] === 'string' && typeof o['resourceId'] === 'string';
}

function stringField(type: string, p: JobPayload, name: string): string {
  const v = p[name];
  if (typeof v !== 'string' || v.length === 0)
    throw new JobPayloadError(type, `${name} must be a non-empty string`);
  return v;
}

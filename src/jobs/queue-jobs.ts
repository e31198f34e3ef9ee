import { isVigilError } from '../core/errors/vigil-error.js';
import { deliverDue } from '../events/webhooks/webhook-delivery.js';
import { getSubscription } from '../events/webhooks/webhook-store.js';
import { runReportById } from '../reports/exports/report-runner.js';
import type { ResourceRef } from '../resources/inventory-index.js';
import { registriesDueForPoll } from '../resources/registries/registry-store.js';
import type { CisTargetRef } from '../scan/cis/cis-facts-intake.js';
import {
  evaluateCisTarget,
  failCisTargetEvaluation,
  type CisTargetKey,
} from '../scan/cis/cis-target-evaluate.js';
import { evaluateClassicRun } from '../scan/classic/classic-run-evaluate.js';
import { pollRegistry } from '../scan/registry-poll.js';
import { rematchBatch } from '../scan/rematch-batches.js';
import { recordQueuedBatch, type BatchOfRun } from '../scan/rematch-batch-progress.js';
import type { RematchSummary } from '../scan/rematch-run.js';
import { claimScanById } from '../scan/scan-claim.js';
import { matchHostUploads } from '../scan/queued-uploads.js';
import { getScan } from '../scan/scan-store.js';
import type { PackageKey } from '../vulndb/import-types.js';
import { errorText, type JobHandler, type JobPayload, type JobQueue } from './queue/job-queue.js';
import { JobPayloadError } from './queue/job-payload-error.js';
import { JobReleasedError } from './queue/job-released-error.js';
import { CIS_EVALUATE_EXPIRE_SECONDS } from './queue-job-expiry.js';
import { runClaimedScan } from './scan-worker.js';
import type { ServiceContext } from './service-context.js';

/** The job types that travel through the queue (queue mode); each is consumed by the worker role. */
export const QUEUE_JOB = {
  imageScan: 'image-scan',
  inventoryMatch: 'inventory-match',
  webhookDeliver: 'webhook-deliver',
  reportExport: 'report-export',
  classicEvaluate: 'classic-evaluate',
  cisEvaluate: 'cis-evaluate',
  registryPoll: 'registry-poll',
  rematchBatch: 'rematch-batch',
} as const;
export type QueueJobType = (typeof QUEUE_JOB)[keyof typeof QUEUE_JOB];

/**
 * Priorities across types (higher first): an image scan someone waits for (a registry push, an API
 * request, a poll), then an inventory a host or a user just uploaded, before webhooks and downloads,
 * and all of them before a re-match batch after a data update, which no one waits on (what
 * Dependency-Track 5 learnt from its users: uploads ahead of scheduled work).
 */
export const JOB_PRIORITY: Readonly<Record<QueueJobType, number>> = {
  'image-scan': 20,
  'inventory-match': 18,
  'webhook-deliver': 15,
  'report-export': 10,
  'classic-evaluate': 10,
  'cis-evaluate': 10,
  'registry-poll': 5,
  'rematch-batch': 0,
};

/** Attempts after the first before an upload is given up (INTERNAL_ERROR) and its job dead-lettered. */
export const INVENTORY_MATCH_RETRY_LIMIT = 3;

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
  { type: QUEUE_JOB.inventoryMatch, role: 'worker', handler: inventoryMatchHandler },
  { type: QUEUE_JOB.webhookDeliver, role: 'worker', handler: webhookDeliverHandler },
  { type: QUEUE_JOB.reportExport, role: 'worker', handler: reportExportHandler },
  { type: QUEUE_JOB.classicEvaluate, role: 'worker', handler: classicEvaluateHandler },
  { type: QUEUE_JOB.cisEvaluate, role: 'worker', handler: cisEvaluateHandler },
  { type: QUEUE_JOB.registryPoll, role: 'worker', handler: registryPollHandler },
  { type: QUEUE_JOB.rematchBatch, role: 'worker', handler: rematchBatchHandler },
];

function imageScanHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const scanId = stringField(job.type, job.payload, 'scanId');
    // Not QUEUED any more (done, or running elsewhere): this delivery is a repeat, nothing to do.
    const scan = await claimScanById(ctx, scanId);
    if (!scan) return;
    await runClaimedScan(ctx, scan, stop);
    // Stopped mid-scan past the shutdown grace: the scan is QUEUED again (image-scan-runner.ts), and
    // its job goes to another worker at once.
    if (stop.aborted && (await getScan(ctx.db, scan.account_id, scanId))?.status === 'QUEUED')
      throw new JobReleasedError(job.type, job.id);
  };
}

/**
 * A host's stored uploads (queued-uploads.ts): its newest is claimed by state and applied, older ones
 * are superseded; a repeat finds nothing QUEUED. The last retry's failure gives the upload up.
 */
function inventoryMatchHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const ref = {
      accountId: stringField(job.type, job.payload, 'accountId'),
      resourceId: stringField(job.type, job.payload, 'resourceId'),
    };
    // The job's own limit (sent with INVENTORY_MATCH_RETRY_LIMIT), as the CIS handler reads it.
    const final = job.retryCount >= job.retryLimit;
    const matchCtx = { ...ctx, intervalSeconds: ctx.config.agentCheckinIntervalSeconds };
    // Stopped past the shutdown grace: the upload is QUEUED again, its job goes to another worker.
    if ((await matchHostUploads(matchCtx, ref, { stop, final })) === 'released')
      throw new JobReleasedError(job.type, job.id);
  };
}

function reportExportHandler({ ctx }: QueueJobEnv): JobHandler {
  return async (job) => {
    const reportId = stringField(job.type, job.payload, 'reportId');
    await runReportById(ctx, reportId, (header) => ctx.pool.run({ kind: 'report', job: header }));
  };
}

/** A Classic run whose facts are in: evaluated into findings and events unless a repeat finds it done. */
function classicEvaluateHandler({ ctx }: QueueJobEnv): JobHandler {
  return async (job) => {
    await evaluateClassicRun(ctx.db, stringField(job.type, job.payload, 'runId'), ctx.now());
  };
}

/** Attempts after the first of a CIS evaluation: facts that fail twice fail every time. */
const CIS_EVALUATE_RETRY_LIMIT = 2;

/**
 * Queues the evaluation of a target whose facts are in (the check-in route at once, the feeder for
 * one whose send was lost); one job per target at a time (singleton key).
 */
export function sendCisEvaluation(queue: JobQueue, t: CisTargetRef): Promise<string | undefined> {
  return queue.send(
    QUEUE_JOB.cisEvaluate,
    { scanId: t.scanId, resourceAccountId: t.resourceAccountId, resourceId: t.resourceId },
    {
      priority: JOB_PRIORITY['cis-evaluate'],
      singletonKey: `${t.scanId}/${t.resourceAccountId}/${t.resourceId}`,
      accountId: t.accountId,
      retryLimit: CIS_EVALUATE_RETRY_LIMIT,
      // A retry helps only against a passing database error: soon, not after the default 5 s.
      retryDelaySeconds: 1,
      expireInSeconds: CIS_EVALUATE_EXPIRE_SECONDS,
    },
  );
}

/**
 * A CIS target's facts assessed on a worker (queue mode). A repeat finds the target assessed and does
 * nothing; a shutdown before the write hands the job on; facts that fail their last attempt fail the
 * target with the reason (its scan finishes) and the job goes to the dead letters.
 */
function cisEvaluateHandler({ ctx, stop }: QueueJobEnv): JobHandler {
  return async (job) => {
    const target: CisTargetKey = {
      scanId: stringField(job.type, job.payload, 'scanId'),
      resourceAccountId: stringField(job.type, job.payload, 'resourceAccountId'),
      resourceId: stringField(job.type, job.payload, 'resourceId'),
    };
    let outcome;
    try {
      outcome = await evaluateCisTarget(ctx.db, target, ctx.now(), stop);
    } catch (err) {
      // The last attempt: the target fails with the reason. Should that write fail too (the database
      // down), the target still waits with its facts and the feeder sends it again; the dead letter
      // keeps the evaluation's own error either way.
      if (job.retryCount >= job.retryLimit)
        await failCisTargetEvaluation(
          ctx.db,
          target,
          `EVALUATION_FAILED: ${errorText(err)}`,
          ctx.now(),
        ).catch(() => undefined);
      throw err;
    }
    if (outcome === 'released') throw new JobReleasedError(job.type, job.id);
  };
}

/**
 * One registry's poll; a repeat (or a job that waited past a poll) finds it not due and does nothing.
 * A failed listing is the poll's outcome, kept on the registry (poll_error), not a failed job.
 */
function registryPollHandler({ ctx }: QueueJobEnv): JobHandler {
  return async (job) => {
    const registryId = stringField(job.type, job.payload, 'registryId');
    const due = (await registriesDueForPoll(ctx.db, ctx.now())).find((r) => r.id === registryId);
    if (due) await pollRegistry(ctx, due);
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
    const { keys, resources, of, newRecords } = rematchPayload(job.type, job.payload);
    let summary: RematchSummary;
    try {
      const opts = { signal: stop, ...(newRecords ? { newRecords } : {}) };
      summary = await rematchBatch(ctx, store, keys, resources, opts);
    } catch (err) {
      // Cut short by a shutdown: the batch runs again elsewhere (the lifecycle makes a repeat a no-op).
      if (stop.aborted) throw new JobReleasedError(job.type, job.id);
      throw err;
    }
    if (of && ctx.vulnDb) await recordQueuedBatch(ctx, await ctx.vulnDb.identity(), of, summary);
  };
}

/**
 * A re-match batch's payload: the changed keys (null: everything), the inventories to re-match, and
 * when the change only added records, their ids (absent: whole package scopes are compared).
 */
export function rematchPayload(
  type: string,
  p: JobPayload,
): { keys: PackageKey[] | undefined; resources: ResourceRef[]; of?: BatchOfRun; newRecords?: string[] } {
  const keys = p['keys'];
  const resources = p['resources'];
  const newRecords = p['newRecords'];
  if (keys !== null && !(Array.isArray(keys) && keys.every(isKey)))
    throw new JobPayloadError(type, 'keys must be null or a list of [ecosystem, name] pairs');
  if (!Array.isArray(resources) || !resources.every(isRef))
    throw new JobPayloadError(type, 'resources must be a list of { accountId, resourceId }');
  if (
    newRecords !== undefined &&
    !(Array.isArray(newRecords) && newRecords.every((id) => typeof id === 'string'))
  )
    throw new JobPayloadError(type, 'newRecords must be a list of record ids');
  const base = {
    keys: keys ?? undefined,
    resources,
    ...(newRecords ? { newRecords } : {}),
  };
  const { run, batch } = p;
  // A batch sent before runs were recorded carries neither: it re-matches and records nothing.
  if (run === undefined && batch === undefined) return base;
  if (!Number.isSafeInteger(run) || !Number.isSafeInteger(batch))
    throw new JobPayloadError(type, 'run and batch must be integers');
  return { ...base, of: { toSeq: Number(run), batch: Number(batch) } };
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

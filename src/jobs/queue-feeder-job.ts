import { queuedReports, requeueRunningReports } from '../reports/exports/report-store.js';
import { dueSubscriptions } from '../events/webhooks/webhook-dispatch.js';
import { cisTargetsAwaitingEvaluation } from '../scan/cis/cis-target-evaluate.js';
import { readyClassicRuns } from '../scan/classic/classic-run-evaluate.js';
import { planRematchBatches } from '../scan/rematch-batches.js';
import { emptyRematchSummary } from '../scan/rematch-run.js';
import { rematchFromImportLog, type RematchRunner } from '../scan/rematch-from-log.js';
import { queuedScanTurns, requeueStaleScans } from '../scan/scan-claim.js';
import type { JobQueue } from './queue/job-queue.js';
import { pollingTask } from './polling-task.js';
import { feedUploads } from './inventory-match-job.js';
import { CLASSIC_EVALUATE_EXPIRE_SECONDS, rematchBatchExpirySeconds } from './queue-job-expiry.js';
import { JOB_PRIORITY, QUEUE_JOB, sendCisEvaluation, webhookDeliverExpirySeconds } from './queue-jobs.js';
import { scanShareOf, type BackgroundTask, type JobLogger, type ServiceContext } from './service-context.js';

/** Rows looked at per poll; a longer backlog is sent by the next polls. */
const ROWS_PER_POLL = 500;
/** A row still waiting this long after its job was sent is sent again (a job lost with a queue restart). */
const RESEND_AFTER_MS = 60_000;
/**
 * A report job's hold: pg-boss hands the job of a dead worker on after it, and a report RUNNING for
 * a minute longer lost its worker and is queued again (the retried job then claims it). A live worker
 * slower than that builds it twice at worst; either result is a whole report.
 */
const REPORT_EXPIRE_SECONDS = 15 * 60;
const REPORT_STALE_MS = REPORT_EXPIRE_SECONDS * 1000 + 60_000;

/**
 * The scheduler side of queue mode: turns the durable rows into jobs every poll — QUEUED scans and
 * reports (one job each, the row id as singleton key), stored uploads without a job (one per host), the import log into re-match batch jobs (the
 * log position moves once the batches are queued), the outbox into deliveries and one delivery job per
 * subscription with some due. The rows stay the truth: a job lost or sent twice costs a repeat, never
 * a loss, because every handler claims its row by state (queue-jobs.ts).
 */
export function createQueueFeeder(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  const sent = new Map<string, number>();
  const once = async (): Promise<void> => {
    const queue = ctx.queue;
    if (!queue) return;
    const now = Date.now();
    for (const [key, at] of sent) if (now - at > RESEND_AFTER_MS) sent.delete(key);
    await feedScans(ctx, queue, sent, now);
    await feedUploads(ctx, queue, sent, now, ROWS_PER_POLL);
    await feedReports(ctx, queue, sent, now);
    await feedCisEvaluations(ctx, queue, sent, now);
    await feedClassicRuns(ctx, queue, sent, now);
    await feedWebhooks(ctx, queue);
    await feedRematch(ctx, queue);
  };
  return pollingTask('queue-feeder', ctx.config.pollIntervalMs, once, (err) =>
    log.error({ err }, 'queue feeder run failed'),
  );
}

/**
 * How long a scan may stay RUNNING before its worker counts as dead: its budget (the worker itself
 * stops a scan there) plus a margin to write the result, as long as the budget, at most a minute.
 */
export function staleAfterMs(scanTimeoutMs: number): number {
  return scanTimeoutMs + Math.min(60_000, scanTimeoutMs);
}

async function feedScans(
  ctx: ServiceContext,
  queue: JobQueue,
  sent: Map<string, number>,
  now: number,
): Promise<void> {
  // A scan RUNNING past its budget and a margin has lost its worker (kill -9): it waits again.
  await requeueStaleScans(ctx, new Date(ctx.now().getTime() - staleAfterMs(ctx.config.scanTimeoutMs)));
  // Fair share across accounts: at most --scan-max-per-account jobs of one account wait at once, sent in turns.
  for (const scan of await queuedScanTurns(ctx, scanShareOf(ctx.config), ROWS_PER_POLL)) {
    if (sent.has(`scan:${scan.id}`)) continue;
    await queue.send(
      QUEUE_JOB.imageScan,
      { scanId: scan.id },
      {
        priority: JOB_PRIORITY['image-scan'],
        singletonKey: scan.id,
        accountId: scan.account_id,
        // pg-boss hands the job of a dead worker to another once it expires (its retry claims the scan).
        expireInSeconds: Math.ceil(staleAfterMs(ctx.config.scanTimeoutMs) / 1000),
      },
    );
    sent.set(`scan:${scan.id}`, now);
  }
}

async function feedReports(
  ctx: ServiceContext,
  queue: JobQueue,
  sent: Map<string, number>,
  now: number,
): Promise<void> {
  // A report RUNNING past its job's hold has lost its worker (kill -9): it waits again.
  await requeueRunningReports(ctx.db, new Date(ctx.now().getTime() - REPORT_STALE_MS).toISOString());
  for (const report of await queuedReports(ctx.db, ROWS_PER_POLL)) {
    if (sent.has(`report:${report.id}`)) continue;
    await queue.send(
      QUEUE_JOB.reportExport,
      { reportId: report.id },
      {
        priority: JOB_PRIORITY['report-export'],
        singletonKey: report.id,
        accountId: report.account_id,
        expireInSeconds: REPORT_EXPIRE_SECONDS,
      },
    );
    sent.set(`report:${report.id}`, now);
  }
}

/**
 * CIS targets whose facts are in (queue mode): the check-in sent their jobs already; this sends the one
 * an api lost between storing the facts and sending (a crash, the queue down). The target's state is
 * its claim, so a job sent twice evaluates once.
 */
async function feedCisEvaluations(
  ctx: ServiceContext,
  queue: JobQueue,
  sent: Map<string, number>,
  now: number,
): Promise<void> {
  for (const t of await cisTargetsAwaitingEvaluation(ctx.db, ROWS_PER_POLL)) {
    const key = `cis:${t.scanId}/${t.resourceAccountId}/${t.resourceId}`;
    if (sent.has(key)) continue;
    await sendCisEvaluation(queue, t);
    sent.set(key, now);
  }
}

/** Classic runs whose facts are in: one evaluation job each (the run's state is its claim). */
async function feedClassicRuns(
  ctx: ServiceContext,
  queue: JobQueue,
  sent: Map<string, number>,
  now: number,
): Promise<void> {
  for (const run of await readyClassicRuns(ctx.db, ROWS_PER_POLL)) {
    if (sent.has(`classic:${run.id}`)) continue;
    await queue.send(
      QUEUE_JOB.classicEvaluate,
      { runId: run.id },
      {
        priority: JOB_PRIORITY['classic-evaluate'],
        singletonKey: run.id,
        accountId: run.account_id,
        expireInSeconds: CLASSIC_EVALUATE_EXPIRE_SECONDS,
      },
    );
    sent.set(`classic:${run.id}`, now);
  }
}

/** Fan-out here (idempotent: one delivery per subscription and event), the sending on the workers. */
async function feedWebhooks(ctx: ServiceContext, queue: JobQueue): Promise<void> {
  for (const sub of await dueSubscriptions(ctx)) {
    // One waiting job per subscription at most (singleton key): its deliveries stay in order.
    await queue.send(
      QUEUE_JOB.webhookDeliver,
      { subscriptionId: sub.id, accountId: sub.account_id },
      {
        priority: JOB_PRIORITY['webhook-deliver'],
        singletonKey: sub.id,
        accountId: sub.account_id,
        retryLimit: 1,
        expireInSeconds: webhookDeliverExpirySeconds(ctx.config.webhookTimeoutMs),
      },
    );
  }
}

async function feedRematch(ctx: ServiceContext, queue: JobQueue): Promise<void> {
  const vulnDb = ctx.vulnDb;
  if (!vulnDb) return;
  const toBatches: RematchRunner = async (keys, opts, span) => {
    const batches = await planRematchBatches(ctx, vulnDb.store, keys, ctx.config.rematchBatchSize);
    for (const [batch, resources] of batches.entries())
      await queue.send(
        QUEUE_JOB.rematchBatch,
        // run + batch: the handler records its figures on the run (the imports API's status).
        {
          keys: keys ? keys.map((k) => [k[0], k[1]]) : null,
          resources,
          run: span.toSeq,
          batch,
          // Each batch narrows its hosts' comparison as a whole run would (rematch-record-scope.ts).
          ...(opts.newRecords ? { newRecords: [...opts.newRecords] } : {}),
        },
        {
          priority: JOB_PRIORITY['rematch-batch'],
          expireInSeconds: rematchBatchExpirySeconds(resources.length),
        },
      );
    const selected = batches.reduce((n, b) => n + b.length, 0);
    // Its counts are the batches' to report (rematch-batch-progress.ts), not the planner's.
    return {
      ...emptyRematchSummary(keys ? 'keys' : 'full'),
      keys: keys?.length ?? 0,
      selected,
      queuedBatches: batches.length,
    };
  };
  await rematchFromImportLog(ctx, vulnDb, {}, toBatches);
}

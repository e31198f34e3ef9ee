import { runAsJob } from '../core/log/job-context.js';
import { pollingTask } from './polling-task.js';
import { scanShareOf, type BackgroundTask, type JobLogger, type ServiceContext } from './service-context.js';
import { runImageScan } from '../scan/image-scan-runner.js';
import { failScan, requeueRunningScans, requeueScan, type ScanRow } from '../scan/scan-store.js';
import { claimFairScan } from '../scan/scan-claim.js';
import { ScanningDisabledError } from '../accounts/scanning-disabled-error.js';
import { scanningEnabled } from '../accounts/scanning-settings.js';
import { UnsupportedScanError } from '../scan/unsupported-scan-error.js';

/**
 * Runs a scan this process claimed (RUNNING): an image scan within its time budget; a scan of another
 * kind, or of an account whose image scanning was switched off since, FAILS with its reason.
 */
export async function runClaimedScan(ctx: ServiceContext, scan: ScanRow, stop: AbortSignal): Promise<void> {
  if (scan.kind !== 'image') {
    await failScan(ctx, scan.id, new UnsupportedScanError(scan.kind));
  } else if (!(await scanningEnabled(ctx.db, scan.account_id, 'image'))) {
    // Switched off after the scan was queued: nothing is written for the account.
    await failScan(ctx, scan.id, new ScanningDisabledError(scan.account_id, 'image'));
  } else {
    await runImageScan(ctx, ctx.pool, scan, { budgetMs: ctx.config.scanTimeoutMs, stop });
  }
}

/**
 * The scan worker: up to `scanConcurrency` queued image scans at once, claimed fairly across accounts
 * (scan-claim.ts), each within its time budget, so a scan that waits on a slow registry holds one slot
 * and never the queue. A scan left RUNNING by a server that stopped mid-scan is queued again when this
 * worker first runs (a scan is idempotent: same image, same result); stopping claims no more, lets
 * the scans in flight run on for `shutdownGraceMs`, then abandons the rest and queues them again.
 */
export function createScanWorker(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let recovered = false;
  let lastServed: string | undefined;
  let stopping = new AbortController();
  /** Stopping with a grace: claims nothing more, lets the scans in hand run on. */
  let draining = false;
  const running = new Set<Promise<void>>();

  const runClaimed = (scan: ScanRow): Promise<void> => runClaimedScan(ctx, scan, stopping.signal);

  /** Scans whose outcome could not be written (the DB was down): queued again, a scan being idempotent. */
  const unrecorded = new Set<string>();
  const requeueUnrecorded = async (): Promise<void> => {
    for (const id of [...unrecorded]) {
      await requeueScan(ctx.db, id);
      unrecorded.delete(id);
    }
  };

  /** Claims scans into the free slots and starts them; returns how many it started. */
  const fill = async (): Promise<number> => {
    if (!ctx.store) return 0;
    if (!recovered) {
      await requeueRunningScans(ctx.db);
      recovered = true;
    }
    await requeueUnrecorded();
    let started = 0;
    while (running.size < ctx.config.scanConcurrency && !stopping.signal.aborted && !draining) {
      const scan = await claimFairScan(ctx, { maxPerAccount: scanShareOf(ctx.config), lastServed });
      if (!scan) break;
      lastServed = scan.account_id;
      // The scan's own id is its job id: its log lines are found by the id the API gave the caller.
      const run: Promise<void> = runAsJob('scan', () => runClaimed(scan), scan.id)
        .catch((err: unknown) => {
          // The database went away under the scan: it is queued again once it answers, not left RUNNING.
          unrecorded.add(scan.id);
          log.error({ err, scanId: scan.id }, 'scan failed to record its outcome: it will be queued again');
        })
        .finally(() => running.delete(run));
      running.add(run);
      started++;
    }
    return started;
  };

  const task = pollingTask(
    'scan-worker',
    ctx.config.pollIntervalMs,
    async () => {
      await fill();
    },
    (err) => log.error({ err }, 'scan worker failed'),
  );
  const settle = async (): Promise<void> => {
    while (running.size > 0) await Promise.all([...running]);
  };
  const settleWithin = async (ms: number): Promise<void> => {
    if (ms <= 0 || running.size === 0) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([settle(), new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
    clearTimeout(timer);
  };
  return {
    name: task.name,
    start() {
      if (stopping.signal.aborted) stopping = new AbortController();
      task.start();
    },
    async stop() {
      // No new claims; the scans in hand may finish within the grace, the rest go back to the queue.
      draining = true;
      await task.stop();
      await settleWithin(ctx.config.shutdownGraceMs);
      stopping.abort();
      await settle();
      draining = false;
      // Still unreachable: the scan stays RUNNING until a worker starts (requeueRunningScans).
      await requeueUnrecorded().catch((err: unknown) =>
        log.error({ err }, 'scans whose outcome was not recorded stay RUNNING until a worker starts'),
      );
    },
    async runOnce() {
      // For tests: everything claimable runs to its end before this resolves.
      if (stopping.signal.aborted) stopping = new AbortController();
      do await settle();
      while ((await fill()) > 0);
      await settle();
    },
  };
}

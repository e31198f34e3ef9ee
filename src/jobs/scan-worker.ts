import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';
import { runImageScan } from '../scan/image-scan-runner.js';
import { claimNextScan, failScan, requeueRunningScans } from '../scan/scan-store.js';
import { ScanningDisabledError } from '../accounts/scanning-disabled-error.js';
import { scanningEnabled } from '../accounts/scanning-settings.js';
import { UnsupportedScanError } from '../scan/unsupported-scan-error.js';

/** Scans per poll: a long queue still lets the loop yield (and stop) between batches. */
const BATCH = 10;

/**
 * The scan worker: runs queued image scans one at a time. A scan left RUNNING by a server that stopped
 * mid-scan is queued again when this worker first runs (a scan is idempotent: same image, same result).
 */
export function createScanWorker(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let recovered = false;
  const once = async (): Promise<void> => {
    const store = ctx.store;
    if (!store) return;
    if (!recovered) {
      await requeueRunningScans(ctx.db);
      recovered = true;
    }
    for (let i = 0; i < BATCH; i++) {
      const scan = await claimNextScan(ctx);
      if (!scan) return;
      if (scan.kind !== 'image') {
        await failScan(ctx, scan.id, new UnsupportedScanError(scan.kind));
      } else if (!(await scanningEnabled(ctx.db, scan.account_id, 'image'))) {
        // Switched off after the scan was queued: nothing is written for the account.
        await failScan(ctx, scan.id, new ScanningDisabledError(scan.account_id, 'image'));
      } else {
        await runImageScan(ctx, store, scan);
      }
    }
  };
  return pollingTask('scan-worker', ctx.config.pollIntervalMs, once, (err) =>
    log.error({ err }, 'scan worker failed'),
  );
}

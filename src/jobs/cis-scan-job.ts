import { expireCisScans } from '../scan/cis/cis-scan-progress.js';
import { startDueCisScans } from '../scan/cis/cis-scan-start.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Schedules are minutes apart at the finest: a tick every few seconds is plenty, and idle costs two indexed queries. */
const INTERVAL_MS = 15_000;

/**
 * Starts the CIS scans whose schedule is due (their hosts' agents are asked at their next check-in and
 * have three check-in intervals to answer), and finishes scans whose wait is over.
 */
export function createCisScanTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'cis-scans',
    Math.max(ctx.config.pollIntervalMs, Math.min(INTERVAL_MS, ctx.config.pollIntervalMs * 20)),
    async () => {
      const now = ctx.now();
      await expireCisScans(ctx.db, now);
      await startDueCisScans(ctx.db, { now, waitSeconds: 3 * ctx.config.agentCheckinIntervalSeconds });
    },
    (err) => log.error({ err }, 'CIS scan scheduling failed'),
  );
}

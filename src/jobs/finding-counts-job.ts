import { recordDailyCounts } from '../findings/finding-daily-counts.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';
import { pollingTask } from './polling-task.js';

/** Often enough that today's row follows the day's scans; one grouped count per run. */
const INTERVAL_MS = 15 * 60 * 1000;

/**
 * Keeps the daily count of open findings by severity per account (the console's 30-day trend): runs
 * at start, then every 15 minutes, overwriting today's row (UTC) of each account.
 */
export function createFindingCountsTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'finding-daily-counts',
    Math.max(ctx.config.pollIntervalMs, INTERVAL_MS),
    async () => {
      await recordDailyCounts(ctx.db, ctx.now());
    },
    (err) => log.error({ err }, 'daily finding counts failed'),
  );
}

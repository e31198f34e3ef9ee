import { runQueuedReports } from '../reports/exports/report-runner.js';
import { requeueRunningReports } from '../reports/exports/report-store.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** The report worker: the first run re-queues reports a crashed process left RUNNING. */
export function createReportWorker(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let recovered = false;
  return pollingTask(
    'report-worker',
    ctx.config.pollIntervalMs,
    async () => {
      if (!recovered) {
        await requeueRunningReports(ctx.db);
        recovered = true;
      }
      // Built on a worker thread: a report of a million findings is seconds of formatting.
      await runQueuedReports(ctx, (job) => ctx.pool.run({ kind: 'report', job }));
    },
    (err) => log.error({ err }, 'report worker run failed'),
  );
}

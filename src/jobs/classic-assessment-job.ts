import { evaluateReadyClassicRuns } from '../scan/classic/classic-run-evaluate.js';
import { startDueClassicRuns } from '../scan/classic/classic-run-start.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

const INTERVAL_MS = 15_000;

/**
 * Starts the Classic assessment runs whose cron schedule is due, and evaluates runs whose facts are in
 * (their CIS scan, driven by the cis-scans task, finished) into findings, exclusions and events.
 */
export function createClassicAssessmentTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'classic-assessments',
    Math.max(ctx.config.pollIntervalMs, Math.min(INTERVAL_MS, ctx.config.pollIntervalMs * 20)),
    async () => {
      const now = ctx.now();
      await startDueClassicRuns(ctx.db, now);
      // Queue mode: the feeder sends each ready run to the workers (classic-evaluate jobs).
      if (!ctx.queue) await evaluateReadyClassicRuns(ctx.db, now);
    },
    (err) => log.error({ err }, 'Classic assessment scheduling failed'),
  );
}

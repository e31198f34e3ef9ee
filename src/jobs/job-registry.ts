import { createAgentLivenessTask } from './agent-liveness-job.js';
import { createReportWorker } from './report-job.js';
import { createRetentionTask } from './retention-task.js';
import { createFindingCountsTask } from './finding-counts-job.js';
import { createRuleExpiryTask } from './rule-expiry-job.js';
import { createScanWorker } from './scan-worker.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';
import { createWebhookDispatcher } from './webhook-dispatcher-job.js';
import { createRematchTask } from './rematch-job.js';
import { createVulnDbUpdateTask } from './vulndb-update-job.js';
import { createNetworkAnalysisTask } from './network-analysis-job.js';
import { createImageWindowTask } from './image-window-job.js';
import { createRegistryPollTask } from './registry-poll-job.js';
import { createCisScanTask } from './cis-scan-job.js';
import { createClassicAssessmentTask } from './classic-assessment-job.js';
import { runsTasks, type ProcessRole, type TaskRole } from '../core/process-role.js';

export interface BackgroundJob {
  /**
   * Which processes run it: `worker` tasks consume queued work and run in every worker process;
   * `scheduler` tasks are timers that must act once across replicas, so only the acting scheduler
   * runs them (scheduler-election.ts).
   */
  role: TaskRole;
  create: (ctx: ServiceContext, log: JobLogger) => BackgroundTask;
}

/**
 * Every background job the service runs beside the API, listed explicitly (no side-effect imports),
 * and the ONE place that says which process role runs which. A job is added by one line here plus its
 * own file in src/jobs/ over a domain function.
 */
export const BACKGROUND_JOBS: readonly BackgroundJob[] = [
  { role: 'worker', create: createScanWorker },
  { role: 'worker', create: createReportWorker },
  { role: 'worker', create: createWebhookDispatcher },
  // Polls the vulnerability DB's import log and re-matches what an import touched. A scheduler task
  // until re-matching is split into queued batches: two processes following the same log would each
  // re-match everything the import touched.
  { role: 'scheduler', create: createRematchTask },
  { role: 'scheduler', create: createRuleExpiryTask },
  { role: 'scheduler', create: createRetentionTask },
  { role: 'scheduler', create: createFindingCountsTask },
  { role: 'scheduler', create: createAgentLivenessTask },
  { role: 'scheduler', create: createVulnDbUpdateTask },
  { role: 'scheduler', create: createNetworkAnalysisTask },
  { role: 'scheduler', create: createImageWindowTask },
  { role: 'scheduler', create: createRegistryPollTask },
  // Starts due CIS scans and closes timed-out ones (facts are assessed where they arrive: the check-in).
  { role: 'scheduler', create: createCisScanTask },
  // Starts Classic runs on their cron schedule and evaluates runs whose facts are in (once across replicas).
  { role: 'scheduler', create: createClassicAssessmentTask },
];

/** The jobs a process in `role` runs. */
export function jobsForRole(role: ProcessRole): BackgroundJob[] {
  return BACKGROUND_JOBS.filter((job) => runsTasks(role, job.role));
}

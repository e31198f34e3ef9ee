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
import { createQueueFeeder } from './queue-feeder-job.js';

export interface BackgroundJob {
  /**
   * Which processes run it: `worker` tasks consume queued work and run in every worker process;
   * `scheduler` tasks are timers that must act once across replicas, so only the acting scheduler
   * runs them (scheduler-election.ts).
   */
  role: TaskRole;
  create: (ctx: ServiceContext, log: JobLogger) => BackgroundTask;
  /**
   * `polling`: only without a job queue (in queue mode its work is a queue job type, QUEUE_JOBS in
   * queue-jobs.ts, consumed by the worker role); `queue`: only with one; `any`: both.
   */
  mode: 'polling' | 'queue' | 'any';
}

/**
 * Every background job the service runs beside the API, listed explicitly (no side-effect imports),
 * and the ONE place that says which process role runs which. A job is added by one line here plus its
 * own file in src/jobs/ over a domain function.
 */
export const BACKGROUND_JOBS: readonly BackgroundJob[] = [
  { role: 'worker', create: createScanWorker, mode: 'polling' },
  { role: 'worker', create: createReportWorker, mode: 'polling' },
  { role: 'worker', create: createWebhookDispatcher, mode: 'polling' },
  // Polls the vulnerability DB's import log and re-matches what an import touched. A scheduler task:
  // two processes following the same log would each re-match everything. In queue mode the feeder
  // cuts the re-match into batch jobs that every worker shares instead.
  { role: 'scheduler', create: createRematchTask, mode: 'polling' },
  { role: 'scheduler', create: createRuleExpiryTask, mode: 'any' },
  { role: 'scheduler', create: createRetentionTask, mode: 'any' },
  { role: 'scheduler', create: createFindingCountsTask, mode: 'any' },
  { role: 'scheduler', create: createAgentLivenessTask, mode: 'any' },
  { role: 'scheduler', create: createVulnDbUpdateTask, mode: 'any' },
  { role: 'scheduler', create: createNetworkAnalysisTask, mode: 'any' },
  { role: 'scheduler', create: createImageWindowTask, mode: 'any' },
  { role: 'scheduler', create: createRegistryPollTask, mode: 'any' },
  // Starts due CIS scans and closes timed-out ones (facts are assessed where they arrive: the check-in).
  { role: 'scheduler', create: createCisScanTask, mode: 'any' },
  // Starts Classic runs on their cron schedule and evaluates runs whose facts are in (once across replicas).
  { role: 'scheduler', create: createClassicAssessmentTask, mode: 'any' },
  // Queue mode: turns QUEUED rows, the import log (re-match batches) and the outbox into queue jobs.
  { role: 'scheduler', create: createQueueFeeder, mode: 'queue' },
];

/** The jobs a process in `role` runs, with a job queue (`queued`) or without. */
export function jobsForRole(role: ProcessRole, queued = false): BackgroundJob[] {
  return BACKGROUND_JOBS.filter(
    (job) => runsTasks(role, job.role) && (job.mode === 'any' || (job.mode === 'queue') === queued),
  );
}

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

/**
 * Every background job the service runs beside the API, listed explicitly (no side-effect imports).
 * A job is added by one line here plus its own file in src/jobs/ over a domain function.
 */
export const BACKGROUND_JOBS: ReadonlyArray<(ctx: ServiceContext, log: JobLogger) => BackgroundTask> = [
  createScanWorker,
  createReportWorker,
  createWebhookDispatcher,
  createRuleExpiryTask,
  createRetentionTask,
  createFindingCountsTask,
  createAgentLivenessTask,
  createRematchTask,
  createVulnDbUpdateTask,
  createNetworkAnalysisTask,
  createImageWindowTask,
  createRegistryPollTask,
  createCisScanTask,
];

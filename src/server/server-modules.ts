import type { FastifyInstance } from 'fastify';
import { installAuditLog } from '../audit/audit-hook.js';
import { createReportWorker } from '../reports/report-worker.js';
import { createRuleExpiryTask } from '../suppression/rule-expiry-task.js';
import { createWebhookDispatcher } from '../webhooks/webhook-dispatcher.js';
import { createRetentionTask } from './background/retention-task.js';
import { installRateLimit } from './http/rate-limit.js';
import { registerAccountRoutes } from './routes/account-routes.js';
import { registerAggregationRoutes } from './routes/aggregation-routes.js';
import { registerAuditRoutes } from './routes/audit-routes.js';
import { registerFindingsRoutes } from './routes/findings-routes.js';
import { registerImageScanRoutes } from './routes/image-scan-routes.js';
import { registerInventoryRoutes } from './routes/inventory-routes.js';
import { registerKeyRoutes } from './routes/key-routes.js';
import { registerOrganizationRoutes } from './routes/organization-routes.js';
import { registerReportRoutes } from './routes/report-routes.js';
import { registerResourcesRoutes } from './routes/resources-routes.js';
import { registerSuppressionRoutes } from './routes/suppression-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import { createScanWorker } from './scans/scan-worker.js';
import type { BackgroundTask, ServerContext } from './server-context.js';

/**
 * Everything the server is made of, listed explicitly (no side-effect imports): hooks that wrap every
 * request, route modules, and the background tasks that run beside the API. A capability is added by
 * one line here plus its own files.
 */
export const SERVER_HOOKS: ReadonlyArray<(app: FastifyInstance, ctx: ServerContext) => Promise<void>> = [
  installRateLimit,
  installAuditLog,
];

export const ROUTE_MODULES: ReadonlyArray<(app: FastifyInstance, ctx: ServerContext) => void> = [
  registerOrganizationRoutes,
  registerAccountRoutes,
  registerKeyRoutes,
  registerResourcesRoutes,
  registerInventoryRoutes,
  registerImageScanRoutes,
  registerFindingsRoutes,
  registerAggregationRoutes,
  registerSuppressionRoutes,
  registerReportRoutes,
  registerWebhookRoutes,
  registerAuditRoutes,
];

export const BACKGROUND_TASKS: ReadonlyArray<(ctx: ServerContext, app: FastifyInstance) => BackgroundTask> = [
  createScanWorker,
  createReportWorker,
  createWebhookDispatcher,
  createRuleExpiryTask,
  createRetentionTask,
];

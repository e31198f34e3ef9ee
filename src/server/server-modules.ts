import type { FastifyInstance } from 'fastify';
import { installAuditLog } from './http/audit-hook.js';
import { installRequestIdHeader } from './http/request-id.js';
import { installJsonBodyParser } from './http/json-body.js';
import { installRateLimit } from './http/rate-limit.js';
import { registerConsole } from './http/console-static.js';
import { installSessionCookies } from './auth/session-auth.js';
import { registerReportListRoutes } from './routes/report-list-routes.js';
import { registerResourcePackagesRoutes } from './routes/resource-packages-routes.js';
import { registerSessionRoutes } from './routes/session-routes.js';
import { registerTrendRoutes } from './routes/trend-routes.js';
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
import { registerVexRoutes } from './routes/vex-routes.js';
import { registerWebhookRoutes } from './routes/webhook-routes.js';
import type { ServiceContext } from '../jobs/service-context.js';
import { registerAgentRoutes } from './routes/agent-routes.js';
import { registerCoverageRoutes } from './routes/coverage-routes.js';
import { registerCloudNetworkRoutes } from './routes/cloud-network-routes.js';
import { registerNetworkSettingsRoutes } from './routes/network-settings-routes.js';
import { registerEnrollmentTokenRoutes } from './routes/enrollment-token-routes.js';
import { registerVulnDbImportRoutes } from './routes/vulndb-import-routes.js';
import { registerInspector2Routes } from './inspector2/inspector2-routes.js';
import { registerRegistryRoutes } from './routes/registry-routes.js';
import { registerRegistryEventRoutes } from './routes/registry-event-routes.js';
import { registerImageScanningRoutes } from './routes/image-scanning-routes.js';
import { registerCisScanRoutes } from './routes/cis-scan-routes.js';
import { registerAppliedObjectRoutes } from './routes/applied-object-routes.js';
import { registerClassicRoutes } from './routes/classic-routes.js';
import { registerJobRoutes } from './routes/job-routes.js';

/**
 * Everything the server is made of, listed explicitly (no side-effect imports): hooks that wrap every
 * request and route modules. Background jobs are listed in src/jobs/job-registry.ts. A capability is added by
 * one line here plus its own files.
 */
export const SERVER_HOOKS: ReadonlyArray<(app: FastifyInstance, ctx: ServiceContext) => Promise<void>> = [
  // First: every answer names its request, a refusal by a hook below too.
  installRequestIdHeader,
  installJsonBodyParser,
  installRateLimit,
  installAuditLog,
  installSessionCookies,
];

export const ROUTE_MODULES: ReadonlyArray<(app: FastifyInstance, ctx: ServiceContext) => void> = [
  registerOrganizationRoutes,
  registerAccountRoutes,
  registerKeyRoutes,
  registerResourcesRoutes,
  registerInventoryRoutes,
  registerImageScanRoutes,
  registerFindingsRoutes,
  registerAggregationRoutes,
  registerSuppressionRoutes,
  registerVexRoutes,
  registerReportRoutes,
  registerWebhookRoutes,
  registerJobRoutes,
  registerAuditRoutes,
  registerSessionRoutes,
  registerTrendRoutes,
  registerReportListRoutes,
  registerResourcePackagesRoutes,
  registerEnrollmentTokenRoutes,
  registerAgentRoutes,
  registerCoverageRoutes,
  registerCloudNetworkRoutes,
  registerNetworkSettingsRoutes,
  registerVulnDbImportRoutes,
  registerInspector2Routes,
  registerRegistryRoutes,
  registerRegistryEventRoutes,
  registerImageScanningRoutes,
  registerCisScanRoutes,
  registerAppliedObjectRoutes,
  registerClassicRoutes,
  // Last: its catch-all GET serves the SPA for every address that is not a route above.
  (app) => registerConsole(app),
];

import swagger from '@fastify/swagger';
import Fastify, { type FastifyInstance } from 'fastify';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { parseEgressAllowList } from '../egress/egress-allow-list.js';
import { createGuardedEgress } from '../egress/egress-client.js';
import type { EgressLookup } from '../egress/egress-resolve.js';
import { SecretBox } from '../store/secret-box.js';
import { installAuth } from './auth/auth-hook.js';
import { FRAMING_OPTIONS, installErrorMapping } from './http/error-mapping.js';
import { requestForLog, scrubbingStream } from './http/log-redaction.js';
import { REQUEST_ID_OPTIONS } from './http/request-id.js';
import { installMetrics, type MetricsOptions } from './metrics/metrics-routes.js';
import { jobLogFields } from '../core/log/job-context.js';
import {
  DEFAULT_SERVICE_CONFIG,
  type BackgroundTask,
  type ServiceConfig,
  type ServiceContext,
  type ServiceVulnDb,
} from '../jobs/service-context.js';
import { servesApi, type ProcessRole } from '../core/process-role.js';
import { databaseCheck, type ReadinessCheck } from '../jobs/readiness.js';
import { RoleTasks } from '../jobs/role-tasks.js';
import { soleScheduler, type SchedulerElection } from '../jobs/scheduler-election.js';
import { registerHealthRoutes } from './routes/health-routes.js';
import { openJobQueue } from '../jobs/queue/job-queue-factory.js';
import { consumeQueueJobs, queueCheck } from '../jobs/queue-workers.js';
import { runsTasks } from '../core/process-role.js';
import { ROUTE_MODULES, SERVER_HOOKS } from './server-modules.js';
import type { ServiceDb } from '../store/service-db.js';
import { WorkerPool } from '../scan/worker-pool.js';
import { startWalCheckpointer, type WalCheckpointer } from '../store/wal-checkpointer.js';

export interface ServerOptions {
  db: ServiceDb;
  /** The vulnerability DB scans match against; without it, scan routes answer 503. */
  store?: VulnStore;
  /** The vulnerability DB with its import log: stored inventories are re-matched after its imports. */
  vulnDb?: ServiceVulnDb;
  /** Request body limit in bytes (an inventory of a big host is a few MB). */
  bodyLimit?: number;
  config?: Partial<ServiceConfig>;
  /** Where to write JSON request logs (pino); none → no logging. Keys, secrets and queries are redacted. */
  logStream?: { write(line: string): void };
  now?: () => Date;
  /** Run the background tasks (workers, dispatcher, sweeps). Tests that drive them by hand say false. */
  background?: boolean;
  /**
   * The server key (`vigil server` loads it from --secret-key-file). Default: a key for this process
   * only, for tests and embedders whose DB never outlives the process.
   */
  secrets?: SecretBox;
  /** How the egress resolves names; default the system resolver. Tests inject one (no network). */
  egressLookup?: EgressLookup;
  /**
   * What this process does (process-role.ts), default `all`. Without the API (`worker`,
   * `scheduler`) only /health and /ready are served.
   */
  role?: ProcessRole;
  /** Who runs the scheduler's tasks; default this process (right for one process on SQLite). */
  election?: SchedulerElection;
  /** More dependencies /ready checks beside the service DB (the job queue). */
  readiness?: readonly ReadinessCheck[];
  /** GET /metrics with its scrape token; none → /metrics answers 404 and no metric is kept. */
  metrics?: MetricsOptions;
}

declare module 'fastify' {
  interface FastifyInstance {
    vigil: { ctx: ServiceContext; tasks: BackgroundTask[]; roleTasks: RoleTasks };
  }
}

const LOG_REDACT = {
  paths: [
    'req.headers.authorization',
    'headers.authorization',
    'authorization',
    'key',
    '*.key',
    'secret',
    '*.secret',
  ],
  censor: '[redacted]',
};

/**
 * Builds the API (not listening): auth on every route but the probes, one error mapping, OpenAPI; and
 * the background tasks of the process's role, started once it is ready.
 */
export async function buildServer(opts: ServerOptions): Promise<FastifyInstance> {
  // No request logging by default; when on, the Authorization header and key/secret fields are redacted.
  const app = Fastify({
    ...FRAMING_OPTIONS,
    ...REQUEST_ID_OPTIONS,
    logger: opts.logStream
      ? {
          level: 'info',
          stream: scrubbingStream(opts.logStream),
          redact: LOG_REDACT,
          serializers: { req: requestForLog },
          // A line written while a background job runs names the job and its run (job-context.ts).
          mixin: () => ({ ...jobLogFields() }),
        }
      : false,
    bodyLimit: opts.bodyLimit ?? 16 * 1024 * 1024,
    // Fastify's default strips properties a schema does not allow, so a misspelt field would be
    // silently dropped (a suppression filter `severty` would match everything): refuse it with a 400.
    ajv: { customOptions: { removeAdditional: false } },
  });
  const config: ServiceConfig = { ...DEFAULT_SERVICE_CONFIG, ...opts.config };
  // Matching, submitted bodies and reports run here, off the event loop that serves requests.
  const pool = new WorkerPool({
    threads: config.workerThreads,
    maxQueuedSubmissions: config.maxQueuedSubmissions,
    ...(opts.store ? { vulns: opts.store } : {}),
    service: { db: opts.db.kysely, ...(opts.db.url ? { url: opts.db.url } : {}) },
  });
  const ctx: ServiceContext = {
    db: opts.db.kysely,
    dialect: opts.db.dialect,
    ...(opts.store ? { store: opts.store } : {}),
    ...(opts.vulnDb ? { vulnDb: opts.vulnDb } : {}),
    now: opts.now ?? (() => new Date()),
    config,
    egress: createGuardedEgress({
      allow: parseEgressAllowList(config.egressAllow),
      timeouts: config,
      ...(opts.egressLookup ? { lookup: opts.egressLookup } : {}),
    }),
    secrets: opts.secrets ?? SecretBox.ephemeral(),
    pool,
    ...(config.jobQueue
      ? {
          queue: openJobQueue(
            config.jobQueue,
            opts.db,
            config.scanConcurrency,
            (err) => app.log.error({ err }, 'job queue error'),
            // A dead worker's scan is handed on about one scan budget after it went stale.
            Math.min(120, Math.ceil(config.scanTimeoutMs / 1000)),
          ),
        }
      : {}),
  };
  const role = opts.role ?? 'all';
  // OpenAPI first: it records the routes registered after it.
  if (servesApi(role)) await registerOpenApi(app);
  installErrorMapping(app);
  // Every role: a worker's scans and a scheduler's jobs are counted where they run (its --health-port).
  installMetrics(app, ctx, opts.metrics);
  if (servesApi(role)) await registerApi(app, ctx);
  registerHealthRoutes(app, [
    databaseCheck(ctx),
    ...(ctx.queue ? [queueCheck(ctx.queue)] : []),
    ...(opts.readiness ?? []),
  ]);
  const roleTasks = new RoleTasks(ctx, app.log, role, opts.election ?? soleScheduler());
  app.decorate('vigil', { ctx, tasks: roleTasks.tasks, roleTasks });
  let checkpointer: WalCheckpointer | undefined;
  const queueStop = new AbortController();
  if (opts.background !== false) {
    app.addHook('onReady', async () => {
      // The worker role consumes the queue's jobs; the scheduler's feeder and the API's retry send.
      if (ctx.queue && runsTasks(role, 'worker')) await consumeQueueJobs(ctx, queueStop.signal);
      await ctx.queue?.start();
      roleTasks.start();
      checkpointer = await startWalCheckpointer(opts.db, (err) =>
        app.log.error({ err }, 'WAL checkpoint failed'),
      );
    });
  }
  app.addHook('onClose', async () => {
    // Queue mode: fetch no more jobs and give those in flight the grace, beside the tasks' own stop.
    const draining =
      ctx.queue && runsTasks(role, 'worker') ? ctx.queue.drain(config.shutdownGraceMs) : undefined;
    await Promise.all([roleTasks.stop(), draining]);
    // Past the grace the handlers let go (a scan goes back QUEUED, its job to another worker at once).
    queueStop.abort();
    await ctx.queue?.stop({ graceful: true });
    await ctx.egress.close();
    await checkpointer?.stop();
    await pool.close();
  });
  await app.ready();
  return app;
}

async function registerOpenApi(app: FastifyInstance): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: { title: 'vigil', version: '0.1.0' },
      components: { securitySchemes: { apiKey: { type: 'http', scheme: 'bearer' } } },
      security: [{ apiKey: [] }],
    },
  });
}

/** The API: the rate limit and auth on every route, the route modules. */
async function registerApi(app: FastifyInstance, ctx: ServiceContext): Promise<void> {
  // Before auth: the rate limit turns a flood away before it costs a key lookup.
  for (const hook of SERVER_HOOKS) await hook(app, ctx);
  installAuth(app, ctx.db, ctx.now);
  app.get('/openapi.json', { schema: { hide: true } }, () => app.swagger());
  for (const register of ROUTE_MODULES) register(app, ctx);
}

import type { CliIo } from '../cli-io.js';
import { checkUpdateCron } from '../../jobs/vulndb-update-job.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { buildServer } from '../../server/server-app.js';
import type { ServiceConfig } from '../../jobs/service-context.js';
import { defaultDbPath, ensureVulnDb } from '../../vulndb/default-db.js';
import { openServiceDb, type ServiceDb } from '../../store/service-db.js';
import { parseEgressAllowList } from '../../egress/egress-allow-list.js';
import { EgressAllowInvalidError } from '../../egress/egress-allow-invalid-error.js';
import { defaultSecretKeyPath, loadOrCreateSecretKey } from '../../store/secret-key-file.js';
import { assertSecretsReadable } from '../../store/secret-key-check.js';
import type { SecretBox } from '../../store/secret-box.js';
import type { ServerSettings } from '../config/server-settings.js';
import { servesApi } from '../../core/process-role.js';
import {
  advisoryLockElection,
  soleScheduler,
  type SchedulerElection,
} from '../../jobs/scheduler-election.js';
import { readMetricsToken } from '../../server/metrics/metrics-token-file.js';

/**
 * `vigil server` (and `vigil worker`): the process's role (process-role.ts) on the service DB until
 * SIGINT/SIGTERM. The API roles listen on --host/--port; `worker` and `scheduler` serve nothing, or
 * only /health and /ready on --health-port (for probes). On SIGTERM the listener stops taking
 * requests, the workers claim no more and finish what they hold within --shutdown-grace-ms (the rest
 * goes back to the queue), and the scheduler lock is released.
 */
export async function runServer(io: CliIo, opts: ServerOptions): Promise<void> {
  const role = opts.role;
  const config = configOf(opts);
  const url = opts.database;
  if (!/^postgres(ql)?:\/\//.test(url) && role !== 'all') {
    // Without a lock server, nothing could keep two schedulers from acting at once.
    throw new UsageError(
      `--role ${role} needs a PostgreSQL service DB (--database postgres://…); on SQLite one process runs everything`,
      { role },
    );
  }
  // Before the DB is opened: a bad token file stops the start with nothing done.
  const metricsToken =
    opts.metricsTokenFile !== undefined ? readMetricsToken(opts.metricsTokenFile) : undefined;
  const { db, secrets } = await openWithSecrets(opts, io);
  if (servesApi(role)) await sayIfNoKey(io, db);
  // Filled from the shipped snapshot on first use, like `vigil scan`: the server scans offline.
  const vulns = await ensureVulnDb(opts.db ?? defaultDbPath());
  const notice = (line: string): void => void io.stderr.write(`${line}\n`);
  const app = await buildServer({
    db,
    store: vulns.store,
    vulnDb: vulns,
    secrets,
    config,
    role,
    election: electionOf(db, opts, notice),
    ...(opts.logRequests ? { logStream: process.stderr } : {}),
    ...(metricsToken !== undefined ? { metrics: { token: metricsToken } } : {}),
  });
  notice(
    `vigil ${role}: background work ${config.jobQueue ? `on the ${config.jobQueue} job queue` : 'by polling workers'}`,
  );
  const port = servesApi(role) ? opts.port : opts.healthPort;
  if (port !== undefined) {
    const address = await app.listen({ port: Number(port), host: opts.host });
    notice(
      servesApi(role)
        ? `vigil server listening on ${address} (role ${role})`
        : `vigil ${role} listening on ${address} (/health and /ready only)`,
    );
  } else notice(`vigil ${role} started (role ${role}, no HTTP listener)`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  const name = servesApi(role) ? 'server' : role;
  notice(`vigil ${name} stopping: no new work; scans in hand get --shutdown-grace-ms to finish`);
  // A second signal does not wait for the grace: what is left RUNNING is queued again at the next start.
  const now = (): never => process.exit(1);
  process.once('SIGINT', now);
  process.once('SIGTERM', now);
  await app.close();
  await db.close();
  await vulns.close();
}

async function sayIfNoKey(io: CliIo, db: ServiceDb): Promise<void> {
  const keys = await db.kysely
    .selectFrom('api_keys')
    .select('id')
    .where('revoked_at', 'is', null)
    .limit(1)
    .execute();
  if (keys.length === 0) {
    io.stderr.write(
      'no API key yet: create the first one with `vigil admin create-key --account ID --role admin`\n',
    );
  }
}

/** PostgreSQL: the scheduler acts while it holds the advisory lock; SQLite: this process is it. */
function electionOf(db: ServiceDb, opts: ServerOptions, notice: (line: string) => void): SchedulerElection {
  if (db.dialect !== 'postgres' || !db.url) return soleScheduler();
  return advisoryLockElection({ url: db.url, retryMs: opts.schedulerRetryMs, notice });
}

/** Every setting of `vigil server`, merged from flags, environment, config file and defaults. */
export type ServerOptions = ServerSettings;

/**
 * The service DB and the key its secrets are sealed under: the key is loaded (or made, on first
 * start) before the DB is migrated, since migration 0005 seals plaintext secrets with it; a key the
 * DB's secrets were not sealed under stops the start with SECRET_KEY_MISMATCH.
 */
async function openWithSecrets(
  opts: ServerOptions,
  io: CliIo,
): Promise<{ db: ServiceDb; secrets: SecretBox }> {
  const url = opts.database;
  const key = loadOrCreateSecretKey(opts.secretKeyFile ?? defaultSecretKeyPath(url));
  let db: ServiceDb | undefined;
  try {
    db = await openServiceDb({ url, secrets: key.box });
    await assertSecretsReadable(db.kysely, key.box, key.path, key.created);
  } catch (err) {
    await db?.close();
    key.discard();
    throw err;
  }
  if (key.created)
    io.stderr.write(`made secret key ${key.path} (key ${key.box.keyId}): back it up with the database\n`);
  return { db, secrets: key.box };
}

/**
 * The tunables: those with a table default are always set (the table's defaults equal
 * DEFAULT_SERVICE_CONFIG's, a test holds them together); those whose default depends on the machine
 * only when given.
 */
function configOf(opts: ServerOptions): Partial<ServiceConfig> {
  const config: Partial<ServiceConfig> = {};
  if (opts.pollIntervalMs) config.pollIntervalMs = opts.pollIntervalMs;
  if (opts.webhookBackoffMs) config.webhookBackoffMs = opts.webhookBackoffMs;
  if (opts.webhookMaxBackoffMs) config.webhookMaxBackoffMs = opts.webhookMaxBackoffMs;
  if (opts.webhookMaxAttempts) config.webhookMaxAttempts = opts.webhookMaxAttempts;
  if (opts.webhookTimeoutMs) config.webhookTimeoutMs = opts.webhookTimeoutMs;
  if (opts.retentionDays) config.retentionDays = opts.retentionDays;
  if (opts.rateLimitPerMinute) config.rateLimitPerMinute = opts.rateLimitPerMinute;
  if (opts.sessionTtlMinutes) config.sessionTtlMinutes = opts.sessionTtlMinutes;
  if (opts.egressConnectTimeoutMs) config.egressConnectTimeoutMs = opts.egressConnectTimeoutMs;
  if (opts.egressHeadersTimeoutMs) config.egressHeadersTimeoutMs = opts.egressHeadersTimeoutMs;
  if (opts.egressIdleTimeoutMs) config.egressIdleTimeoutMs = opts.egressIdleTimeoutMs;
  if (opts.egressMinBytesPerSecond) config.egressMinBytesPerSecond = opts.egressMinBytesPerSecond;
  config.egressAllow = egressAllowOf(opts.egressAllow);
  if (opts.authFailuresPerMinute) config.authFailuresPerMinute = opts.authFailuresPerMinute;
  if (opts.checkinInterval) config.agentCheckinIntervalSeconds = opts.checkinInterval;
  if (opts.importMaxBytes) config.vulnDbUploadMaxBytes = opts.importMaxBytes;
  if (opts.updateCron) config.updateCron = checkUpdateCron(opts.updateCron);
  if (opts.updateSource) config.updateSources = [...opts.updateSource];
  if (opts.updateConfig) config.updateConfigFile = opts.updateConfig;
  if (opts.workerThreads !== undefined) config.workerThreads = opts.workerThreads;
  if (opts.scanConcurrency) config.scanConcurrency = opts.scanConcurrency;
  if (opts.scanMaxPerAccount) config.scanMaxPerAccount = opts.scanMaxPerAccount;
  if (opts.scanTimeoutMs) config.scanTimeoutMs = opts.scanTimeoutMs;
  config.shutdownGraceMs = opts.shutdownGraceMs;
  // auto: pg-boss on PostgreSQL, the polling workers on SQLite (pg-boss on SQLite is refused at start).
  const onPostgres = /^postgres(ql)?:\/\//.test(opts.database);
  if (opts.jobQueue === 'pg-boss' || (opts.jobQueue === 'auto' && onPostgres)) config.jobQueue = 'pg-boss';
  return config;
}

/** A bad entry is a usage error before anything starts. */
function egressAllowOf(list: readonly string[]): string[] {
  try {
    return [...parseEgressAllowList(list).entries];
  } catch (err) {
    if (err instanceof EgressAllowInvalidError) throw new UsageError(err.message, { ...err.details });
    throw err;
  }
}

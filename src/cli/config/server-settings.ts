import { PROCESS_ROLES } from '../../core/process-role.js';
import { DEFAULT_SERVICE_DB_URL } from '../../store/service-db-defaults.js';
import { choice, DURATION_SECONDS, integer, LIST, SWITCH, TEXT } from './setting-kinds.js';
import { row, settingTable, type SettingValues } from './setting-table.js';

const POSITIVE = integer(1);

/**
 * Every setting of `vigil server` (and of the processes of its roles): flag, env var, config-file key,
 * type and default come from here, and so do its commander options, the README table and
 * `--print-config`. Defaults of tunables equal DEFAULT_SERVICE_CONFIG (a test holds them together).
 */
export const SERVER_SETTINGS = settingTable({
  role: row(choice(PROCESS_ROLES), {
    arg: '<role>',
    default: 'all',
    description: 'api (HTTP only), worker (queued work), scheduler (timer tasks, one acting at a time), all',
  }),
  healthPort: row(integer(0, 65535), {
    arg: '<port>',
    description: 'worker/scheduler roles: serve only /health and /ready on this port',
  }),
  shutdownGraceMs: row(integer(0), {
    arg: '<ms>',
    // Under Kubernetes' default 30 s grace period.
    default: 10_000,
    description: 'on SIGTERM, how long scans in flight may finish before they are queued again',
  }),
  jobQueue: row(choice(['auto', 'polling', 'pg-boss'] as const), {
    arg: '<queue>',
    default: 'auto',
    description:
      'auto: pg-boss on PostgreSQL, polling on SQLite; pg-boss (PostgreSQL only) carries the background work as jobs (retries, dead letters, priorities); polling: workers claim rows',
  }),
  schedulerRetryMs: row(POSITIVE, {
    arg: '<ms>',
    default: 5000,
    description: 'PostgreSQL: how often a standby scheduler tries for the lock',
  }),
  database: row(TEXT, {
    arg: '<url>',
    env: 'VIGIL_DATABASE_URL',
    fileKey: 'database_url',
    default: DEFAULT_SERVICE_DB_URL,
    description: 'service DB: sqlite:PATH or postgres://…',
    secret: 'url-password',
    fileForm: {
      flag: '--database-url-file',
      env: 'VIGIL_DATABASE_URL_FILE',
      fileKey: 'database_url_file',
      read: 'at-start',
    },
  }),
  db: row(TEXT, {
    arg: '<file>',
    fileKey: 'vulndb',
    defaultDoc: '~/.cache/vigil/vulndb.sqlite',
    description: 'vulnerability DB file',
  }),
  secretKeyFile: row(TEXT, {
    arg: '<file>',
    defaultDoc: 'beside the SQLite DB',
    description: 'the key secrets are stored under (made on first start, mode 0600)',
  }),
  metricsTokenFile: row(TEXT, {
    arg: '<file>',
    description:
      'turn on GET /metrics (Prometheus) for scrapers that send the bearer token this file holds (one line, ≥16 chars)',
  }),
  host: row(TEXT, { arg: '<host>', default: '127.0.0.1', description: 'address to listen on' }),
  port: row(integer(0, 65535), { arg: '<port>', default: 8080, description: 'port (0: any free port)' }),
  logRequests: row(SWITCH, {
    default: false,
    description: 'log each request as JSON to stderr (keys and secrets redacted)',
  }),
  pollIntervalMs: row(POSITIVE, {
    arg: '<ms>',
    default: 500,
    description: 'how often workers and the webhook dispatcher poll',
  }),
  webhookBackoffMs: row(POSITIVE, {
    arg: '<ms>',
    default: 1000,
    description: 'first webhook retry delay (doubles per attempt)',
  }),
  webhookMaxBackoffMs: row(POSITIVE, {
    arg: '<ms>',
    default: 600_000,
    description: 'longest webhook retry delay',
  }),
  webhookMaxAttempts: row(POSITIVE, {
    arg: '<n>',
    default: 12,
    description: 'attempts before a webhook delivery is FAILED',
  }),
  webhookTimeoutMs: row(POSITIVE, {
    arg: '<ms>',
    default: 10_000,
    description: 'timeout of one webhook POST',
  }),
  retentionDays: row(POSITIVE, {
    arg: '<n>',
    default: 30,
    description: 'days CLOSED findings, events and logs are kept',
  }),
  rateLimitPerMinute: row(POSITIVE, {
    arg: '<n>',
    default: 1200,
    description: 'requests per API key per minute',
  }),
  authFailuresPerMinute: row(POSITIVE, {
    arg: '<n>',
    default: 60,
    description: 'failed authentications per client address per minute before it gets 429',
  }),
  sessionTtlMinutes: row(POSITIVE, {
    arg: '<n>',
    default: 480,
    description: 'lifetime of a console sign-in session',
  }),
  workerThreads: row(integer(0), {
    arg: '<n>',
    defaultDoc: 'one per core',
    description: 'threads for matching and reports (0: none)',
  }),
  scanConcurrency: row(POSITIVE, {
    arg: '<n>',
    defaultDoc: 'cores, at least 2',
    description: 'image scans run at once',
  }),
  scanMaxPerAccount: row(POSITIVE, {
    arg: '<n>',
    defaultDoc: 'concurrency - 1',
    description: 'scans one account may run at once',
  }),
  scanTimeoutMs: row(POSITIVE, {
    arg: '<ms>',
    default: 900_000,
    description: 'time budget of one scan; past it the scan fails SCAN_TIMEOUT',
  }),
  checkinInterval: row(DURATION_SECONDS, {
    arg: '<duration>',
    default: 1800,
    description: 'how often agents check in (seconds, or 30m, 5m, 2s…)',
  }),
  updateCron: row(TEXT, {
    arg: '<pattern>',
    description: 'run `db update` on the vulnerability DB on this cron schedule ("0 */6 * * *")',
  }),
  updateSource: row(LIST, {
    arg: '<names...>',
    variadic: true,
    defaultDoc: 'as `db update`',
    description: 'feeds the scheduled update downloads',
  }),
  updateConfig: row(TEXT, {
    arg: '<file>',
    defaultDoc: 'as `db update`',
    description: 'feed URL config of the scheduled update',
  }),
  importMaxBytes: row(POSITIVE, {
    arg: '<n>',
    default: 536_870_912,
    description: 'largest feed file POST /v1/vulnerability-db/imports takes (512 MiB)',
  }),
  egressAllow: row(LIST, {
    arg: '<list>',
    default: [],
    description:
      'addresses, CIDR ranges and host names the server may connect to although they are not public ' +
      '(127.0.0.1,10.0.5.0/24,registry.internal)',
  }),
  egressConnectTimeoutMs: row(POSITIVE, {
    arg: '<ms>',
    default: 10_000,
    description: 'outbound connect + TLS timeout',
  }),
  egressHeadersTimeoutMs: row(POSITIVE, {
    arg: '<ms>',
    default: 30_000,
    description: 'outbound response-headers timeout',
  }),
  egressIdleTimeoutMs: row(POSITIVE, {
    arg: '<ms>',
    default: 30_000,
    description: 'outbound silence between body bytes',
  }),
  egressMinBytesPerSecond: row(POSITIVE, {
    arg: '<n>',
    default: 1024,
    description: 'slowest outbound body accepted',
  }),
});

/** What `vigil server` runs with, every source merged. */
export type ServerSettings = SettingValues<typeof SERVER_SETTINGS>;

const { role: _role, port: _port, ...workerSettings } = SERVER_SETTINGS;

/** `vigil worker`: the server's settings but the role (it is `worker`) and the API port (it serves none). */
export const WORKER_SETTINGS = workerSettings;

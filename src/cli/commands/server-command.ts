import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { DEFAULT_SERVICE_DB_URL } from '../../store/service-db-defaults.js';
import type { ServerOptions } from './server-action.js';
import { isProcessRole, PROCESS_ROLES, type ProcessRole } from '../../core/process-role.js';

/** `vigil server`: flags and help only; Fastify and the service load when it runs (server-action.ts). */
export function registerServerCommand(program: Command, io: CliIo): void {
  const server = program
    .command('server')
    .description('run the vigil API server')
    .option(
      '--role <role>',
      'api (HTTP only), worker (queued work), scheduler (timer tasks, one acting at a time), all',
      role,
      'all',
    )
    .option('--health-port <port>', 'worker/scheduler roles: serve only /health and /ready on this port')
    .option(
      '--shutdown-grace-ms <ms>',
      'on SIGTERM, how long scans in flight may finish before they are queued again (default 10000)',
      count,
    )
    .option(
      '--scheduler-retry-ms <ms>',
      'PostgreSQL: how often a standby scheduler tries for the lock (default 5000)',
      positive,
    )
    .option('--database <url>', `sqlite:PATH or postgres://… (default ${DEFAULT_SERVICE_DB_URL})`)
    .option('--db <file>', 'vulnerability DB file (default: $VIGIL_DB or ~/.cache/vigil/vulndb.sqlite)')
    .option('--host <host>', 'address to listen on', '127.0.0.1')
    .option('--port <port>', 'port (0: any free port)', '8080')
    .option('--poll-interval-ms <ms>', 'how often workers and the webhook dispatcher poll', positive)
    .option('--webhook-backoff-ms <ms>', 'first webhook retry delay (doubles per attempt)', positive)
    .option('--webhook-max-backoff-ms <ms>', 'longest webhook retry delay', positive)
    .option('--webhook-max-attempts <n>', 'attempts before a webhook delivery is FAILED', positive)
    .option('--webhook-timeout-ms <ms>', 'timeout of one webhook POST', positive)
    .option('--retention-days <n>', 'days CLOSED findings, events and logs are kept (default 30)', positive)
    .option('--rate-limit-per-minute <n>', 'requests per API key per minute (default 1200)', positive)
    .option(
      '--worker-threads <n>',
      'threads for matching and reports (default: one per core; 0: none)',
      count,
    )
    .option('--scan-concurrency <n>', 'image scans run at once (default: cores, at least 2)', positive)
    .option(
      '--scan-max-per-account <n>',
      'scans one account may run at once (default: concurrency - 1)',
      positive,
    )
    .option(
      '--scan-timeout-ms <ms>',
      'time budget of one scan; past it the scan fails SCAN_TIMEOUT',
      positive,
    )
    .option('--session-ttl-minutes <n>', 'lifetime of a console sign-in session (default 480)', positive)
    .option(
      '--auth-failures-per-minute <n>',
      'failed authentications per client address per minute before it gets 429 (default 60)',
      positive,
    )
    .option('--checkin-interval <duration>', 'how often agents check in: 30m (default), 5m, 2s…', duration)
    .option('--update-cron <pattern>', 'run `db update` on --db on this cron schedule ("0 */6 * * *")')
    .option('--update-source <names...>', 'feeds the scheduled update downloads (default: as `db update`)')
    .option('--update-config <file>', 'feed URL config of the scheduled update (default as `db update`)')
    .option(
      '--import-max-bytes <n>',
      'largest feed file POST /v1/vulnerability-db/imports takes (default 536870912: 512 MiB)',
      positive,
    )
    .option('--log-requests', 'log each request as JSON to stderr (keys and secrets redacted)')
    .option(
      '--egress-allow <list>',
      'addresses, CIDR ranges and host names the server may connect to although they are not public ' +
        '(127.0.0.1,10.0.5.0/24,registry.internal); default $VIGIL_EGRESS_ALLOW, else none',
    )
    .option('--egress-connect-timeout-ms <ms>', 'outbound connect + TLS timeout (default 10000)', positive)
    .option('--egress-headers-timeout-ms <ms>', 'outbound response-headers timeout (default 30000)', positive)
    .option('--egress-idle-timeout-ms <ms>', 'outbound silence between body bytes (default 30000)', positive)
    .option('--egress-min-bytes-per-second <n>', 'slowest outbound body accepted (default 1024)', positive)
    .option(
      '--secret-key-file <file>',
      'the key secrets are stored under (made on first start, mode 0600; default beside the SQLite DB)',
    )
    .option(
      '--metrics-token-file <file>',
      'turn on GET /metrics (Prometheus) for scrapers that send this bearer token (one line, ≥16 chars)',
    )
    .action(async (opts: ServerOptions) => {
      await (await import('./server-action.js')).runServer(io, opts);
    });
  registerWorkerCommand(program, server, io);
}

/** `vigil worker` = `vigil server --role worker`: the same flags but the role and the API port. */
function registerWorkerCommand(program: Command, server: Command, io: CliIo): void {
  const worker = program
    .command('worker')
    .description('run a vigil worker: queued scans, reports and webhook deliveries (PostgreSQL)');
  for (const option of server.options) {
    if (option.long !== '--role' && option.long !== '--port') worker.addOption(option);
  }
  worker.action(async (opts: ServerOptions) => {
    await (await import('./server-action.js')).runServer(io, { ...opts, role: 'worker' });
  });
}

function role(value: string): ProcessRole {
  if (!isProcessRole(value))
    throw new UsageError(`--role is one of ${PROCESS_ROLES.join(', ')}, got ${value}`);
  return value;
}

function duration(value: string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) throw new UsageError(`expected a duration such as 30m or 2s, got ${value}`);
  return seconds;
}

function count(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`expected a whole number, got ${value}`);
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`expected a positive integer, got ${value}`);
  return n;
}

import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { buildServer } from '../../server/server-app.js';
import type { ServiceConfig } from '../../jobs/service-context.js';
import { defaultDbPath, ensureVulnDb } from '../../vulndb/default-db.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb } from '../../store/service-db.js';

/** `vigil server`: the API on the service DB until SIGINT/SIGTERM. */
export function registerServerCommand(program: Command, io: CliIo): void {
  program
    .command('server')
    .description('run the vigil API server')
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
    .option('--session-ttl-minutes <n>', 'lifetime of a console sign-in session (default 480)', positive)
    .option('--log-requests', 'log each request as JSON to stderr (keys and secrets redacted)')
    .action(async (opts: ServerOptions) => {
      const db = await openServiceDb(opts.database ? { url: opts.database } : {});
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
      // Filled from the shipped snapshot on first use, like `vigil scan`: the server scans offline.
      const vulns = await ensureVulnDb(opts.db ?? defaultDbPath());
      const app = await buildServer({
        db,
        store: vulns.store,
        config: configOf(opts),
        ...(opts.logRequests ? { logStream: process.stderr } : {}),
      });
      const address = await app.listen({ port: Number(opts.port), host: opts.host });
      io.stderr.write(`vigil server listening on ${address}\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => resolve();
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      });
      await app.close();
      await db.close();
      await vulns.close();
    });
}

interface ServerOptions {
  database?: string;
  db?: string;
  host: string;
  port: string;
  pollIntervalMs?: number;
  webhookBackoffMs?: number;
  webhookMaxBackoffMs?: number;
  webhookMaxAttempts?: number;
  webhookTimeoutMs?: number;
  retentionDays?: number;
  rateLimitPerMinute?: number;
  sessionTtlMinutes?: number;
  logRequests?: boolean;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`expected a positive integer, got ${value}`);
  return n;
}

/** Only the tunables given on the command line; the rest keep DEFAULT_SERVICE_CONFIG. */
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
  return config;
}

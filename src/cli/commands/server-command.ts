import type { Command } from 'commander';
import type { CliIo } from '../cli-io.js';
import { UsageError } from '../../core/errors/usage-error.js';
import { parseDurationSeconds } from '../../core/duration.js';
import { buildServer } from '../../server/server-app.js';
import type { ServiceConfig } from '../../jobs/service-context.js';
import { defaultDbPath, ensureVulnDb } from '../../vulndb/default-db.js';
import { DEFAULT_SERVICE_DB_URL, openServiceDb, type ServiceDb } from '../../store/service-db.js';
import { parseEgressAllowList } from '../../egress/egress-allow-list.js';
import { EgressAllowInvalidError } from '../../egress/egress-allow-invalid-error.js';
import { defaultSecretKeyPath, loadOrCreateSecretKey } from '../../store/secret-key-file.js';
import { assertSecretsReadable } from '../../store/secret-key-check.js';
import type { SecretBox } from '../../store/secret-box.js';

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
    .option(
      '--auth-failures-per-minute <n>',
      'failed authentications per client address per minute before it gets 429 (default 60)',
      positive,
    )
    .option('--checkin-interval <duration>', 'how often agents check in: 30m (default), 5m, 2s…', duration)
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
    .action(async (opts: ServerOptions) => {
      const config = configOf(opts);
      const { db, secrets } = await openWithSecrets(opts, io);
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
        secrets,
        config,
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
  authFailuresPerMinute?: number;
  checkinInterval?: number;
  logRequests?: boolean;
  egressAllow?: string;
  egressConnectTimeoutMs?: number;
  egressHeadersTimeoutMs?: number;
  egressIdleTimeoutMs?: number;
  egressMinBytesPerSecond?: number;
  secretKeyFile?: string;
}

/**
 * The service DB and the key its secrets are sealed under: the key is loaded (or made, on first
 * start) before the DB is migrated, since migration 0005 seals plaintext secrets with it; a key the
 * DB's secrets were not sealed under stops the start with SECRET_KEY_MISMATCH.
 */
async function openWithSecrets(
  opts: ServerOptions,
  io: CliIo,
): Promise<{ db: ServiceDb; secrets: SecretBox }> {
  const url = opts.database ?? DEFAULT_SERVICE_DB_URL;
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

function duration(value: string): number {
  const seconds = parseDurationSeconds(value);
  if (seconds === undefined) throw new UsageError(`expected a duration such as 30m or 2s, got ${value}`);
  return seconds;
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
  if (opts.egressConnectTimeoutMs) config.egressConnectTimeoutMs = opts.egressConnectTimeoutMs;
  if (opts.egressHeadersTimeoutMs) config.egressHeadersTimeoutMs = opts.egressHeadersTimeoutMs;
  if (opts.egressIdleTimeoutMs) config.egressIdleTimeoutMs = opts.egressIdleTimeoutMs;
  if (opts.egressMinBytesPerSecond) config.egressMinBytesPerSecond = opts.egressMinBytesPerSecond;
  config.egressAllow = egressAllowOf(opts.egressAllow ?? process.env['VIGIL_EGRESS_ALLOW'] ?? '');
  if (opts.authFailuresPerMinute) config.authFailuresPerMinute = opts.authFailuresPerMinute;
  if (opts.checkinInterval) config.agentCheckinIntervalSeconds = opts.checkinInterval;
  return config;
}

/** The flag wins over the environment; a bad entry is a usage error before anything starts. */
function egressAllowOf(list: string): string[] {
  try {
    return [...parseEgressAllowList([list]).entries];
  } catch (err) {
    if (err instanceof EgressAllowInvalidError) throw new UsageError(err.message, { ...err.details });
    throw err;
  }
}

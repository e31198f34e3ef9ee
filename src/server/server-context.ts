import type { Kysely } from 'kysely';
import type { VulnStore } from '../vulndb/vuln-types.js';
import type { ServiceDialect } from './storage/service-db.js';
import type { ServiceDatabase } from './storage/service-db-schema.js';

/** Tunables with defaults a mature deployment would pick; every one can be overridden by options. */
export interface ServerConfig {
  /** Closed findings older than this are purged (DESIGN §3). */
  retentionDays: number;
  /** Requests per key per minute; over it → 429. */
  rateLimitPerMinute: number;
  /** How often background tasks (workers, dispatcher, sweeps) poll, in ms. */
  pollIntervalMs: number;
  /** Webhook retries: first backoff and cap, in ms, and attempts before a delivery is FAILED. */
  webhookBackoffMs: number;
  webhookMaxBackoffMs: number;
  webhookMaxAttempts: number;
  /** Webhook POST timeout in ms. */
  webhookTimeoutMs: number;
}

export const DEFAULT_SERVER_CONFIG: ServerConfig = {
  retentionDays: 30,
  rateLimitPerMinute: 1200,
  pollIntervalMs: 500,
  webhookBackoffMs: 1000,
  webhookMaxBackoffMs: 10 * 60 * 1000,
  webhookMaxAttempts: 12,
  webhookTimeoutMs: 10_000,
};

/** What every route module and background task gets: the one DB, the vuln store, the clock, config. */
export interface ServerContext {
  db: Kysely<ServiceDatabase>;
  dialect: ServiceDialect;
  /** The vulnerability DB scans match against; absent → scan routes answer 503. */
  store?: VulnStore;
  /** The clock: tests move time (rule expiry, retention) without sleeping. */
  now: () => Date;
  config: ServerConfig;
}

/** A loop the server runs beside the API (workers, dispatcher, sweeps); `runOnce` lets tests drive it. */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<void>;
}

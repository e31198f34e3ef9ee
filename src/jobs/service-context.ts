import { availableParallelism } from 'node:os';
import type { Egress } from '../egress/egress-client.js';
import { DEFAULT_EGRESS_CONFIG, type EgressConfig } from '../egress/egress-config.js';
import type { WebhookConfig } from '../events/webhooks/webhook-config.js';
import type { SecretBox } from '../store/secret-box.js';
import { defaultWorkerThreads, type WorkerPool } from '../scan/worker-pool.js';
import type { StoreContext } from '../store/store-context.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import type { LoggedVulnDb } from '../scan/rematch-from-log.js';
import type { ChangeSet, FeedBatch } from '../vulndb/import-types.js';
import type { JobQueue } from './queue/job-queue.js';

/** The server's vulnerability DB as the jobs use it: its import log, and imports (the update schedule). */
export interface ServiceVulnDb extends LoggedVulnDb {
  import(batches: readonly FeedBatch[]): Promise<ChangeSet>;
}

/** Tunables with defaults a mature deployment would pick; every one can be overridden by options. */
export interface ServiceConfig extends WebhookConfig, EgressConfig {
  /** Closed findings older than this are purged (DESIGN §3). */
  retentionDays: number;
  /** Requests per key per minute; over it → 429. */
  rateLimitPerMinute: number;
  /** Failed authentications per client address per minute; past it, the address gets 429 for any request. */
  authFailuresPerMinute: number;
  /** Rate-limit buckets kept in memory per limit (addresses, keys); limited ones are evicted last. */
  rateLimitBuckets: number;
  /** How often background tasks (workers, dispatcher, sweeps) poll, in ms. */
  pollIntervalMs: number;
  /** How long a console session (POST /v1/sessions) lasts, in minutes. */
  sessionTtlMinutes: number;
  /** The check-in interval agents are told (seconds); 3 missed ones make a host AGENT_OFFLINE. */
  agentCheckinIntervalSeconds: number;
  /** Largest agent request body once decompressed (a full inventory), in bytes. */
  agentMaxBodyBytes: number;
  /** Largest agent request body as sent (gzip), in bytes. */
  agentMaxCompressedBytes: number;
  /** Largest feed file `POST /v1/vulnerability-db/imports` takes, in bytes (it is streamed to a temp file). */
  vulnDbUploadMaxBytes: number;
  /** Cron pattern of the scheduled `db update` (jobs/vulndb-update-job.ts); none: no schedule. */
  updateCron?: string;
  /** Feeds the scheduled update downloads (default: those `db update` takes). */
  updateSources?: string[];
  /** Feed URL config of the scheduled update (default $XDG_CONFIG_HOME/vigil/feeds.json). */
  updateConfigFile?: string;
  /** Worker threads for CPU-heavy work (matching, submitted bodies, reports); 0: on the event loop. */
  workerThreads: number;
  /** Inventory submissions that may wait for a worker thread; more answer 503 SERVER_BUSY. */
  maxQueuedSubmissions: number;
  /** Image scans run at once (each waits on its registry; the matching goes to the worker threads). */
  scanConcurrency: number;
  /** Scans one account may run at once; default scanConcurrency − 1, so another account always finds a slot. */
  scanMaxPerAccount?: number;
  /** One scan's wall-clock budget, in ms; past it the scan FAILS with SCAN_TIMEOUT. */
  scanTimeoutMs: number;
  /**
   * On stop (SIGTERM), how long scans in flight may run on before they are abandoned and queued
   * again, in ms; 0: abandoned at once. `vigil server` sets it from --shutdown-grace-ms.
   */
  shutdownGraceMs: number;
  /**
   * How scans, re-matches, reports and webhooks run: unset, each worker polls its rows (the embedded
   * default); `in-process` or `pg-boss`, they are jobs of that queue (job-registry.ts, queue-jobs.ts).
   * Not yet a `vigil server` setting (README: Jobs and the queue).
   */
  jobQueue?: 'in-process' | 'pg-boss';
  /** Stored inventories per re-match batch job (queue mode): N workers share a re-match by batches. */
  rematchBatchSize: number;
  /**
   * Queue mode: received inventories stored and not yet matched (the whole deployment's) past which
   * check-ins and submissions are refused with 503 SERVER_BUSY, so a burst cannot fill the disk.
   */
  maxStoredUploads: number;
  /** Queue mode: seconds before an `inventory-match` job's first retry (doubled each further one). */
  uploadRetryDelaySeconds: number;
}

/** The share of the scan slots one account may hold (see ServiceConfig.scanMaxPerAccount). */
export function scanShareOf(config: ServiceConfig): number {
  return config.scanMaxPerAccount ?? Math.max(1, config.scanConcurrency - 1);
}

export const DEFAULT_SERVICE_CONFIG: ServiceConfig = {
  retentionDays: 30,
  rateLimitPerMinute: 1200,
  authFailuresPerMinute: 60,
  rateLimitBuckets: 10_000,
  pollIntervalMs: 500,
  sessionTtlMinutes: 8 * 60,
  agentCheckinIntervalSeconds: 30 * 60,
  agentMaxBodyBytes: 32 * 1024 * 1024,
  agentMaxCompressedBytes: 8 * 1024 * 1024,
  // osv.dev's Debian all.zip is about 60 MB, its npm one about 100 MB.
  vulnDbUploadMaxBytes: 512 * 1024 * 1024,
  workerThreads: defaultWorkerThreads(),
  maxQueuedSubmissions: 64,
  scanConcurrency: Math.max(2, availableParallelism()),
  scanTimeoutMs: 15 * 60_000,
  shutdownGraceMs: 0,
  rematchBatchSize: 200,
  maxStoredUploads: 10_000,
  uploadRetryDelaySeconds: 5,
  webhookBackoffMs: 1000,
  webhookMaxBackoffMs: 10 * 60 * 1000,
  webhookMaxAttempts: 12,
  webhookTimeoutMs: 10_000,
  ...DEFAULT_EGRESS_CONFIG,
  webhookConcurrency: 32,
};

/** What every route module and background job gets: the service DB, the vuln store, the clock, config. */
export interface ServiceContext extends StoreContext {
  /** The vulnerability DB scans match against; absent → scan routes answer 503. */
  store?: VulnStore;
  /** The same DB with its import log: when set, stored inventories are re-matched after every import. */
  vulnDb?: ServiceVulnDb;
  config: ServiceConfig;
  /** Every outbound call (registries, webhooks) goes through it: the deny list, the allow list, timeouts. */
  egress: Egress;
  /** The server key: seals and opens the secrets the DB stores (webhook signing secrets). */
  secrets: SecretBox;
  /** Where CPU-heavy work runs (worker threads, or inline when its DB cannot be opened from one). */
  pool: WorkerPool;
  /** The job queue (queue mode, config.jobQueue): the feeder sends to it, the workers consume it. */
  queue?: JobQueue;
}

/** Where jobs report failures: the server passes its request logger (pino), the CLI a console shim. */
export interface JobLogger {
  error(obj: Record<string, unknown>, msg: string): void;
}

/** A loop the service runs beside the API (workers, dispatcher, sweeps); `runOnce` lets tests drive it. */
export interface BackgroundTask {
  readonly name: string;
  start(): void;
  stop(): Promise<void>;
  runOnce(): Promise<void>;
}

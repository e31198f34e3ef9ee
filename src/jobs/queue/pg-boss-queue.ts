import { randomUUID } from 'node:crypto';
import PgBoss from 'pg-boss';
import pg from 'pg';
import {
  DEFAULT_RETRY_DELAY_SECONDS,
  DEFAULT_RETRY_LIMIT,
  errorText,
  settleWithin,
  type DeadLetter,
  type DeadLetterFilter,
  type JobEnvelope,
  type JobHandler,
  type JobPayload,
  type JobQueue,
  type SendOptions,
} from './job-queue.js';
import { JobNotFoundError } from './job-not-found-error.js';
import { JobReleasedError } from './job-released-error.js';

/** pg-boss's own schema in the service DB (it creates and migrates it at start). */
export const PG_BOSS_SCHEMA = 'pgboss';
/** One queue for every job type, so priorities order work across types; its dead letters beside it. */
const QUEUE = 'vigil-jobs';
const DEAD = 'vigil-dead-letter';
/** How long a graceful stop waits for jobs in flight before pg-boss fails them (they are retried). */
const STOP_TIMEOUT_MS = 30_000;

export interface PgBossQueueOptions {
  connectionString: string;
  /** Jobs this process runs at once (shared by every type). */
  concurrency?: number;
  /** How often an idle worker polls, in seconds (pg-boss's minimum is 0.5). */
  pollingIntervalSeconds?: number;
  /** How often pg-boss expires jobs held too long (a killed worker's) so they are retried. */
  maintenanceIntervalSeconds?: number;
  /** Where pg-boss's background errors go (a lost connection: the next poll tries again). */
  onError?: (err: unknown) => void;
}

/**
 * The queue on PostgreSQL: pg-boss (SKIP LOCKED fetches, so N processes share one queue; retries with
 * backoff; a dead-letter queue). Every type travels in one pg-boss queue under the `short` policy
 * (one waiting job per key, enforced by its unique index; keyless jobs get a unique key). Not
 * `stately`: a job waiting behind a running one of its key makes every fetch of pg-boss 10 fail on
 * that index until the running one ends, which stalls the whole queue.
 */
export class PgBossJobQueue implements JobQueue {
  readonly kind = 'pg-boss' as const;
  private readonly boss: PgBoss;
  private readonly pool: pg.Pool;
  private readonly handlers = new Map<string, JobHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly concurrency: number;
  private readonly pollingIntervalSeconds: number;
  private workersStarted = false;
  private started = false;
  private closed = false;

  constructor(opts: PgBossQueueOptions) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.pollingIntervalSeconds = Math.max(0.5, opts.pollingIntervalSeconds ?? 0.5);
    this.boss = new PgBoss({
      connectionString: opts.connectionString,
      schema: PG_BOSS_SCHEMA,
      max: this.concurrency + 2,
      // Cron-like work is vigil's scheduler role (job-registry.ts), not pg-boss's clock.
      schedule: false,
      application_name: 'vigil-queue',
      ...(opts.maintenanceIntervalSeconds !== undefined
        ? { maintenanceIntervalSeconds: Math.max(1, Math.round(opts.maintenanceIntervalSeconds)) }
        : {}),
    });
    // pg-boss reports background errors (a lost connection) as events; the next poll retries.
    const onError = opts.onError ?? ((): void => undefined);
    this.boss.on('error', onError);
    this.pool = new pg.Pool({ connectionString: opts.connectionString, max: 2 });
    this.pool.on('error', onError);
  }

  async start(): Promise<void> {
    if (this.started) return;
    await this.boss.start();
    await this.boss.createQueue(DEAD).catch(ignoreExisting);
    await this.boss
      .createQueue(QUEUE, { name: QUEUE, policy: 'short', deadLetter: DEAD })
      .catch(ignoreExisting);
    this.started = true;
    if (this.handlers.size > 0) await this.startWorkers();
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    if (this.started) {
      await this.boss.stop({ graceful: opts.graceful !== false, timeout: STOP_TIMEOUT_MS, wait: true });
    }
    this.started = false;
    this.workersStarted = false;
    if (!this.closed) await this.pool.end();
    this.closed = true;
  }

  async drain(graceMs: number): Promise<boolean> {
    // pg-boss's offWork stops the fetch loops; the handlers in flight run on.
    if (this.workersStarted) await this.boss.offWork(QUEUE);
    this.workersStarted = false;
    return settleWithin(this.inFlight, graceMs);
  }

  async reachable(): Promise<boolean> {
    try {
      await this.pool.query('SELECT 1');
      return true;
    } catch {
      return false;
    }
  }

  async send(type: string, payload: JobPayload, opts: SendOptions = {}): Promise<string | undefined> {
    if (opts.singletonKey !== undefined) {
      // Waiting or running already: the same work, dropped. (Waiting twice is also refused by the
      // queue's unique index, so a race between two senders queues one job; running and waiting at
      // once may happen in that race only, and costs a repeat that the handlers absorb.)
      const { rows } = await this.pool.query(
        `SELECT 1 FROM ${PG_BOSS_SCHEMA}.job WHERE name = $1 AND singleton_key = $2
           AND state IN ('created', 'retry', 'active') LIMIT 1`,
        [QUEUE, keyOf(type, opts.singletonKey)],
      );
      if (rows.length > 0) return undefined;
    }
    const id = await this.boss.send(QUEUE, envelope(type, payload, opts), bossOptions(type, opts));
    return id ?? undefined;
  }

  async work(type: string, handler: JobHandler): Promise<void> {
    this.handlers.set(type, handler);
    if (this.started) await this.startWorkers();
  }

  async deadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const { rows } = await this.pool.query<DeadRow>(
      `SELECT id, data, output, retry_limit, created_on FROM ${PG_BOSS_SCHEMA}.job
        WHERE name = $1 AND state = 'created'
          AND ${VISIBLE}
        ORDER BY created_on DESC, id LIMIT $2`,
      [DEAD, filter.limit ?? 100, ...visibleParams(filter)],
    );
    return rows.map(deadLetterOf);
  }

  /** In one transaction: the dead letter is taken out and its job sent again, or neither. */
  async retryDeadLetter(id: string, filter: DeadLetterFilter = {}): Promise<string> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      const { rows } = await client.query<{ data: JobEnvelope }>(
        `DELETE FROM ${PG_BOSS_SCHEMA}.job WHERE name = $1 AND state = 'created' AND id::text = $2
           AND ${VISIBLE} RETURNING data`,
        [DEAD, id, ...visibleParams(filter)],
      );
      const env = rows[0]?.data;
      if (!env) throw new JobNotFoundError(id);
      const db = { executeSql: (text: string, values: unknown[]) => client.query(text, values) };
      const sent = await this.boss.send(QUEUE, env, { ...bossOptions(env.type, env.opts), db });
      if (!sent) throw new JobNotFoundError(id); // the same work waits already: nothing to retry
      await client.query('COMMIT');
      return sent;
    } catch (err) {
      await client.query('ROLLBACK');
      throw err;
    } finally {
      client.release();
    }
  }

  private async startWorkers(): Promise<void> {
    if (this.workersStarted) return;
    this.workersStarted = true;
    const options = {
      batchSize: 1,
      pollingIntervalSeconds: this.pollingIntervalSeconds,
      includeMetadata: true as const,
    };
    for (let i = 0; i < this.concurrency; i++) {
      const slot: { workerId?: string } = {};
      slot.workerId = await this.boss.work<JobEnvelope>(QUEUE, options, async ([job]) => {
        if (!job) return;
        const handler = this.handlers.get(job.data.type);
        if (!handler) throw new Error(`no handler for job type ${job.data.type}`);
        const run = this.runHandler(handler, job);
        this.inFlight.add(run);
        try {
          await run;
        } finally {
          this.inFlight.delete(run);
          // pg-boss waits out the rest of its polling interval after every fetch, so a slot doing
          // short jobs (a check-in's match, a delivery) took at most 2 a second; after a job there may
          // be more, so fetch again at once. An empty fetch still waits the interval.
          if (slot.workerId !== undefined) this.boss.notifyWorker(slot.workerId);
        }
      });
    }
  }

  private async runHandler(handler: JobHandler, job: PgBoss.JobWithMetadata<JobEnvelope>): Promise<void> {
    const { type, payload } = job.data;
    try {
      await handler({ id: job.id, type, payload, retryCount: job.retryCount, retryLimit: job.retryLimit });
    } catch (err) {
      if (!(err instanceof JobReleasedError)) throw err;
      await this.release(job.id);
    }
  }

  /**
   * Hands a released job on at once. `started_on` cleared: pg-boss's fetch counts a retry only for a job
   * that was started, so the release is no attempt. It is no longer active, so pg-boss's completion of
   * the handler's return is a no-op.
   */
  private async release(id: string): Promise<void> {
    await this.pool.query(
      `UPDATE ${PG_BOSS_SCHEMA}.job SET state = 'retry', started_on = NULL, start_after = now()
        WHERE name = $1 AND id = $2 AND state = 'active'`,
      [QUEUE, id],
    );
  }
}

/** A dead letter the filter lets through ($3: account ids or null for all, $4: include system jobs). */
const VISIBLE = `($3::text[] IS NULL OR data->>'accountId' = ANY($3) OR (data->>'accountId' IS NULL AND $4::boolean))`;

function visibleParams(filter: DeadLetterFilter): [string[] | null, boolean] {
  return [filter.accountIds ? [...filter.accountIds] : null, filter.includeSystem === true];
}

interface DeadRow {
  id: string;
  data: JobEnvelope;
  output: { name?: string; message?: string } | null;
  retry_limit: number;
  created_on: Date;
}

function deadLetterOf(r: DeadRow): DeadLetter {
  const err = r.output
    ? Object.assign(new Error(r.output.message ?? 'failed'), { name: r.output.name ?? 'Error' })
    : 'failed';
  return {
    id: r.id,
    type: r.data.type,
    payload: r.data.payload,
    accountId: r.data.accountId,
    error: errorText(err),
    attempts: r.retry_limit + 1,
    failedAt: r.created_on.toISOString(),
  };
}

/** Keys are per type (every type shares one pg-boss queue). */
function keyOf(type: string, key: string): string {
  return `${type}:${key}`;
}

function envelope(type: string, payload: JobPayload, opts: SendOptions): JobEnvelope {
  return { type, payload, accountId: opts.accountId ?? null, opts };
}

function bossOptions(type: string, opts: SendOptions): PgBoss.SendOptions {
  return {
    priority: opts.priority ?? 0,
    singletonKey: keyOf(type, opts.singletonKey ?? randomUUID()),
    retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
    retryDelay: opts.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    ...(opts.expireInSeconds !== undefined ? { expireInSeconds: opts.expireInSeconds } : {}),
  };
}

/** createQueue on a queue another process created first: pg-boss raises a duplicate key. */
function ignoreExisting(err: unknown): void {
  if (err instanceof Error && /already exists|duplicate key/.test(err.message)) return;
  throw err;
}

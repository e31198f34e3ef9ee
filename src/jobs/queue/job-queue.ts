/**
 * The job queue the workers consume: typed jobs with a payload, a priority, an optional singleton key,
 * retries with exponential backoff and a dead-letter state. Two implementations share this contract
 * (job-queue.contract.ts): the in-process one (SQLite, one process) and pg-boss (PostgreSQL, N processes).
 */
export interface JobQueue {
  /** `in-process` or `pg-boss`: what /ready and the logs name. */
  readonly kind: 'in-process' | 'pg-boss';
  /** Creates what the queue needs (pg-boss: its schema and queues) and lets `work` handlers run. */
  start(): Promise<void>;
  /**
   * Stops fetching. `graceful`: waits for the jobs in flight to finish (up to the implementation's
   * timeout); otherwise they are abandoned and run again later (retried by another consumer).
   */
  stop(opts?: { graceful?: boolean }): Promise<void>;
  /**
   * The first step of a graceful shutdown: fetches no more jobs, and waits up to `graceMs` for the jobs
   * in flight to finish. Resolves true when none is left. What still runs is told to stop by the
   * process (its handlers' signal); a handler that lets go of its job throws JobReleasedError, and the
   * job is handed on at once without counting as a failed attempt.
   */
  drain(graceMs: number): Promise<boolean>;
  /** Whether the queue's store answers now (the /ready probe). */
  reachable(): Promise<boolean>;
  /**
   * Queues a job; undefined when a job of this type with the same singleton key is already waiting or
   * running (the second send is the same work, so it is dropped): jobs of one key never overlap.
   */
  send(type: string, payload: JobPayload, opts?: SendOptions): Promise<string | undefined>;
  /**
   * Consumes jobs of `type` in this process. The process's slots (the queue's `concurrency`) are shared
   * by every type, so a higher priority job of one type goes before a lower one of another.
   */
  work(type: string, handler: JobHandler): Promise<void>;
  /** Jobs that failed past their retries, newest first (`id`: the dead letter's own, for a retry). */
  deadLetters(filter?: DeadLetterFilter): Promise<DeadLetter[]>;
  /**
   * Queues a dead-lettered job again (fresh retries) and removes it from the dead letters; JOB_NOT_FOUND
   * when there is none with this id that `filter` lets through.
   */
  retryDeadLetter(id: string, filter?: DeadLetterFilter): Promise<string>;
}

export type JobPayload = Record<string, unknown>;

export interface SendOptions {
  /** Higher runs first (across every type of the queue). Default 0. */
  priority?: number;
  /** At most one job of this type with this key waiting or running at once. */
  singletonKey?: string;
  /** Attempts after the first. Default 3. */
  retryLimit?: number;
  /** Seconds before the first retry; doubled each further retry. Default 5. */
  retryDelaySeconds?: number;
  /** A run longer than this is abandoned and retried (a worker that died holds it no longer). */
  expireInSeconds?: number;
  /** The account the job works for: who may see it in the dead letters (none: server admins only). */
  accountId?: string;
}

export interface Job {
  id: string;
  type: string;
  payload: JobPayload;
  /** 0 on the first run, 1 on the first retry … */
  retryCount: number;
  /** Its attempts after the first: `retryCount === retryLimit` is the last (a handler may record why). */
  retryLimit: number;
}

export type JobHandler = (job: Job) => Promise<void>;

export interface DeadLetterFilter {
  /** Only jobs of these accounts; `includeSystem` adds the jobs that belong to no account. */
  accountIds?: readonly string[];
  includeSystem?: boolean;
  limit?: number;
}

export interface DeadLetter {
  id: string;
  type: string;
  payload: JobPayload;
  accountId: string | null;
  /** The last attempt's error message (never a stack). */
  error: string;
  attempts: number;
  failedAt: string;
}

/** What both implementations put in a job's data: the type travels with it (one queue, many types). */
export interface JobEnvelope {
  type: string;
  payload: JobPayload;
  accountId: string | null;
  /** What a retry from the dead letters sends again. */
  opts: SendOptions;
}

export const DEFAULT_RETRY_LIMIT = 3;
export const DEFAULT_RETRY_DELAY_SECONDS = 5;

/** A handler's error as the dead letter keeps it: our own messages as they are, anything else by name. */
export function errorText(err: unknown): string {
  if (err instanceof Error) return `${err.name}: ${err.message}`.slice(0, 2000);
  return String(err).slice(0, 2000);
}

/** Delay before retry number `retry` (1-based), in ms: exponential backoff from the first delay. */
export function backoffMs(retryDelaySeconds: number, retry: number): number {
  return retryDelaySeconds * 1000 * 2 ** Math.max(0, retry - 1);
}

/** Applies a dead-letter filter to one job's account. */
export function visibleTo(filter: DeadLetterFilter, accountId: string | null): boolean {
  if (accountId === null) return filter.accountIds === undefined || filter.includeSystem === true;
  return filter.accountIds === undefined || filter.accountIds.includes(accountId);
}

/** Waits up to `ms` for every promise of `inFlight` (a set that shrinks as they end); true when empty. */
export async function settleWithin(inFlight: ReadonlySet<Promise<unknown>>, ms: number): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (inFlight.size > 0) {
    const left = deadline - Date.now();
    if (left <= 0) return false;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, left)));
    await Promise.race([Promise.allSettled([...inFlight]), timeout]);
    clearTimeout(timer);
  }
  return true;
}

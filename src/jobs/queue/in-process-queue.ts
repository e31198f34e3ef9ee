import { randomUUID } from 'node:crypto';
import {
  backoffMs,
  DEFAULT_RETRY_DELAY_SECONDS,
  DEFAULT_RETRY_LIMIT,
  errorText,
  settleWithin,
  visibleTo,
  type DeadLetter,
  type DeadLetterFilter,
  type JobHandler,
  type JobPayload,
  type JobQueue,
  type SendOptions,
} from './job-queue.js';
import { JobNotFoundError } from './job-not-found-error.js';
import { JobReleasedError } from './job-released-error.js';

interface Entry {
  id: string;
  type: string;
  payload: JobPayload;
  accountId: string | null;
  priority: number;
  singletonKey: string | undefined;
  retryLimit: number;
  retryDelaySeconds: number;
  retryCount: number;
  /** Order of sending: equal priorities run first in, first out. */
  seq: number;
  /** Not before this time (epoch ms): a retry waits out its backoff. */
  notBefore: number;
}

/**
 * The queue of the embedded default (one process, SQLite): jobs live in memory, so a restart loses
 * what was queued — the rows they stand for (a QUEUED scan, a QUEUED report, the outbox, the import log)
 * are the durable truth, and the feeder queues them again. Same contract as pg-boss: priorities across
 * types, singleton keys, retries with exponential backoff, dead letters.
 */
export class InProcessJobQueue implements JobQueue {
  readonly kind = 'in-process' as const;
  private readonly waiting: Entry[] = [];
  private readonly active = new Map<string, Entry>();
  private readonly dead: Array<DeadLetter & { entry: Entry }> = [];
  private readonly handlers = new Map<string, JobHandler>();
  private readonly inFlight = new Set<Promise<void>>();
  private seq = 0;
  private started = false;
  /** Draining: the jobs in flight run on, nothing more is started. */
  private paused = false;
  private timer: NodeJS.Timeout | undefined;
  private pumpAsked = false;
  private readonly concurrency: number;
  private readonly clock: () => number;

  constructor(opts: { concurrency?: number; clock?: () => number } = {}) {
    this.concurrency = Math.max(1, opts.concurrency ?? 1);
    this.clock = opts.clock ?? Date.now;
  }

  start(): Promise<void> {
    this.started = true;
    this.paused = false;
    this.schedulePump();
    return Promise.resolve();
  }

  async stop(opts: { graceful?: boolean } = {}): Promise<void> {
    this.started = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    // A job in flight cannot be taken back from its handler: a non-graceful stop just does not wait.
    if (opts.graceful !== false) while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
  }

  async drain(graceMs: number): Promise<boolean> {
    this.paused = true;
    return settleWithin(this.inFlight, graceMs);
  }

  reachable(): Promise<boolean> {
    return Promise.resolve(true);
  }

  send(type: string, payload: JobPayload, opts: SendOptions = {}): Promise<string | undefined> {
    const key = opts.singletonKey;
    const same = (e: Entry): boolean => e.type === type && e.singletonKey === key;
    if (key !== undefined && (this.waiting.some(same) || [...this.active.values()].some(same)))
      return Promise.resolve(undefined);
    const entry: Entry = {
      id: randomUUID(),
      type,
      payload: structuredClone(payload),
      accountId: opts.accountId ?? null,
      priority: opts.priority ?? 0,
      singletonKey: key,
      retryLimit: opts.retryLimit ?? DEFAULT_RETRY_LIMIT,
      retryDelaySeconds: opts.retryDelaySeconds ?? DEFAULT_RETRY_DELAY_SECONDS,
      retryCount: 0,
      seq: this.seq++,
      notBefore: 0,
    };
    this.enqueue(entry);
    return Promise.resolve(entry.id);
  }

  work(type: string, handler: JobHandler): Promise<void> {
    this.handlers.set(type, handler);
    this.schedulePump();
    return Promise.resolve();
  }

  deadLetters(filter: DeadLetterFilter = {}): Promise<DeadLetter[]> {
    const rows = this.dead
      .filter((d) => visibleTo(filter, d.accountId))
      .slice()
      .reverse()
      .slice(0, filter.limit ?? 100)
      .map(({ entry: _entry, ...d }) => ({ ...d, payload: structuredClone(d.payload) }));
    return Promise.resolve(rows);
  }

  retryDeadLetter(id: string, filter: DeadLetterFilter = {}): Promise<string> {
    const i = this.dead.findIndex((d) => d.id === id && visibleTo(filter, d.accountId));
    const found = this.dead[i];
    if (!found) return Promise.reject(new JobNotFoundError(id));
    this.dead.splice(i, 1);
    const entry: Entry = { ...found.entry, id: randomUUID(), retryCount: 0, seq: this.seq++, notBefore: 0 };
    this.enqueue(entry);
    return Promise.resolve(entry.id);
  }

  private enqueue(entry: Entry): void {
    this.waiting.push(entry);
    this.waiting.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
    this.schedulePump();
  }

  /**
   * Jobs start on a later turn of the event loop, as a fetch from a store would: the consumers and
   * jobs registered in the same turn all count (priorities are the queue's, not the order of calls).
   */
  private schedulePump(): void {
    if (this.pumpAsked) return;
    this.pumpAsked = true;
    setImmediate(() => {
      this.pumpAsked = false;
      this.pump();
    });
  }

  /** Starts every job that is due and has a free consumer slot; wakes up again for the next backoff. */
  private pump(): void {
    if (!this.started || this.paused) return;
    const now = this.clock();
    for (let i = 0; i < this.waiting.length && this.active.size < this.concurrency;) {
      const e = this.waiting[i];
      const handler = e ? this.handlers.get(e.type) : undefined;
      if (!e || !handler || e.notBefore > now) {
        i++;
        continue;
      }
      this.waiting.splice(i, 1);
      this.run(e, handler);
    }
    this.wakeForBackoff(now);
  }

  private wakeForBackoff(now: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const next = Math.min(...this.waiting.filter((e) => e.notBefore > now).map((e) => e.notBefore));
    if (Number.isFinite(next)) this.timer = setTimeout(() => this.pump(), next - now);
  }

  private run(e: Entry, handler: JobHandler): void {
    this.active.set(e.id, e);
    const job = {
      id: e.id,
      type: e.type,
      payload: structuredClone(e.payload),
      retryCount: e.retryCount,
      retryLimit: e.retryLimit,
    };
    const p = Promise.resolve()
      .then(() => handler(job))
      .then(
        () => undefined,
        (err: unknown) => this.failed(e, err),
      )
      .finally(() => {
        this.active.delete(e.id);
        this.inFlight.delete(p);
        this.schedulePump();
      });
    this.inFlight.add(p);
  }

  private failed(e: Entry, err: unknown): void {
    if (err instanceof JobReleasedError) {
      // Let go by a stopping handler: waiting again as it was, no attempt counted, no backoff.
      this.waiting.push({ ...e, notBefore: 0 });
      this.waiting.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      return;
    }
    if (e.retryCount < e.retryLimit) {
      const retry = e.retryCount + 1;
      this.waiting.push({
        ...e,
        retryCount: retry,
        notBefore: this.clock() + backoffMs(e.retryDelaySeconds, retry),
      });
      this.waiting.sort((a, b) => b.priority - a.priority || a.seq - b.seq);
      return;
    }
    this.dead.push({
      id: e.id,
      type: e.type,
      payload: e.payload,
      accountId: e.accountId,
      error: errorText(err),
      attempts: e.retryCount + 1,
      failedAt: new Date(this.clock()).toISOString(),
      entry: e,
    });
  }
}

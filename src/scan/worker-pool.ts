import { availableParallelism } from 'node:os';
import type { Kysely } from 'kysely';
import { Piscina } from 'piscina';
import { isShareableUrl } from '../store/service-db-reader.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { UploadFirstQueue, withQueueOptions } from './upload-first-queue.js';
import { WorkerPoolBusyError } from './worker-pool-busy-error.js';
import type { WorkerThreadData } from './worker-thread.js';
import {
  outcomeValue,
  runTask,
  type ResultOf,
  type TaskHandles,
  type TaskOutcome,
  type WorkerTask,
} from './worker-tasks.js';

export interface WorkerPoolOptions {
  /** Worker threads; 0 runs every task on the calling thread (the CLI, or a DB only this thread can open). */
  threads: number;
  /** Submissions allowed to wait for a thread; past it the API answers 503 SERVER_BUSY. */
  maxQueuedSubmissions: number;
  /** The vulnerability DB: threads open its file read-only; without a file, scans run inline on `store`. */
  vulns?: VulnStore;
  /** The service DB: threads open `url` for reading; an in-memory one is read inline through `db`. */
  service?: { db: Kysely<ServiceDatabase>; url?: string };
}

/** A pool of one thread per core, at most (the event loop's thread keeps serving requests). */
export function defaultWorkerThreads(): number {
  return Math.max(1, availableParallelism());
}

/**
 * How far below the event loop the threads run: on a busy machine the kernel serves the loop (health
 * checks, reads, every other request) first, and the threads take what CPU is left.
 */
const THREAD_NICENESS = 5;
/** A thread idle this long exits; the next task starts one again (about a second: it loads the code). */
const IDLE_MS = 60_000;

/**
 * The CPU-heavy work of the service off the event loop that serves requests: matching (THE scan
 * service, `scanTarget`), reading submitted bodies, building reports. Each thread opens its own
 * read-only connections (better-sqlite3 is synchronous: a query blocks the thread that runs it); the
 * results come back to the caller, which applies them to the service DB as before. Aborting a task
 * (a scan's time budget) stops it: a task that is running is ended with its thread.
 */
export class WorkerPool {
  private readonly pool: Piscina | undefined;
  private readonly vulnsThreaded: boolean;
  private readonly serviceThreaded: boolean;
  private queuedSubmissions = 0;

  constructor(private readonly opts: WorkerPoolOptions) {
    const data: WorkerThreadData = {};
    if (opts.vulns?.file) data.vulnDbFile = opts.vulns.file;
    if (isShareableUrl(opts.service?.url)) data.serviceDbUrl = opts.service.url;
    this.vulnsThreaded = opts.threads > 0 && data.vulnDbFile !== undefined;
    this.serviceThreaded = opts.threads > 0 && data.serviceDbUrl !== undefined;
    if (!this.vulnsThreaded && !this.serviceThreaded) return;
    // Under tsx (tests, the bench) the thread loads the TypeScript source through tsx as well.
    const typescript = import.meta.url.endsWith('.ts');
    this.pool = new Piscina({
      filename: new URL(typescript ? './worker-thread.ts' : './worker-thread.js', import.meta.url).href,
      ...(typescript ? { execArgv: ['--import', 'tsx'] } : {}),
      workerData: data,
      minThreads: 0,
      maxThreads: opts.threads,
      idleTimeout: IDLE_MS,
      // Threads wait for tasks on their own event loop (a PostgreSQL pool in a thread needs it).
      atomics: 'disabled',
      niceIncrement: THREAD_NICENESS,
      taskQueue: new UploadFirstQueue(),
    });
  }

  /** Runs `task` on a thread when its DB can be opened there, else inline; `signal` abandons it. */
  async run<T extends WorkerTask>(task: T, signal?: AbortSignal): Promise<ResultOf<T>> {
    signal?.throwIfAborted();
    const threaded = task.kind === 'report' ? this.serviceThreaded : this.vulnsThreaded;
    if (!threaded || !this.pool) return outcomeValue<T>(await runTask(task, this.inlineHandles()));
    // Uploads (a submitted inventory, an agent's check-in) are bounded: past the bound the caller is
    // told to come back (503 with Retry-After), which an agent takes as a backoff with its spool kept.
    const submission =
      task.kind === 'scan-submission' || task.kind === 'read-submission' || task.kind === 'scan-checkin';
    if (submission && this.queuedSubmissions >= this.opts.maxQueuedSubmissions)
      throw new WorkerPoolBusyError(this.queuedSubmissions);
    if (submission) this.queuedSubmissions++;
    try {
      const queued = withQueueOptions({ ...task }, { upload: submission });
      const outcome = (await this.pool.run(queued, signal ? { signal } : {})) as TaskOutcome;
      return outcomeValue<T>(outcome);
    } catch (err) {
      // Piscina reports an abort as its own AbortError; the caller wants the reason it gave.
      if (signal?.aborted) throw signal.reason;
      throw err;
    } finally {
      if (submission) this.queuedSubmissions--;
    }
  }

  async close(): Promise<void> {
    await this.pool?.destroy();
  }

  private inlineHandles(): TaskHandles {
    const { vulns, service } = this.opts;
    const vulnStore = (): VulnStore => {
      if (!vulns) throw new Error('no vulnerability DB');
      return vulns;
    };
    // Inline, the caller's own store: it may be written by this process, so nothing is kept.
    return {
      vulns: vulnStore,
      memoVulns: vulnStore,
      service: () => {
        if (!service) throw new Error('no service DB');
        return service.db;
      },
    };
  }
}

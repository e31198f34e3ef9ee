import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

/** What every log line written while a background job runs carries. */
export interface JobLogFields {
  /** The job's name (`scan-worker`, `webhook-dispatcher`, `scan` …). */
  job: string;
  /** This run's id (a scan's id for a scan; a fresh UUID for one run of a polling loop). */
  jobId: string;
}

const current = new AsyncLocalStorage<JobLogFields>();

/**
 * Runs `fn` as one run of the job `job`: every log line written inside it, however deep (the logger's
 * mixin reads `jobLogFields()`), names the job and this run's id, as request lines name the request.
 */
export function runAsJob<T>(job: string, fn: () => Promise<T>, jobId: string = randomUUID()): Promise<T> {
  return current.run({ job, jobId }, fn);
}

/** The job being run here, if any. */
export function jobLogFields(): JobLogFields | undefined {
  return current.getStore();
}

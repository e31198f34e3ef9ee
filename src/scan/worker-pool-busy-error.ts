import { VigilError } from '../core/errors/vigil-error.js';

/** How long a refused caller is asked to wait (HTTP Retry-After): about one scan's time in the queue. */
export const BUSY_RETRY_AFTER_SECONDS = 5;

/** The worker threads' queue is full: the caller should come back later (HTTP 503 with Retry-After). */
export class WorkerPoolBusyError extends VigilError {
  constructor(queued: number) {
    super('SERVER_BUSY', 'the server is busy with other scans; retry later', {
      queued,
      retryAfterSeconds: BUSY_RETRY_AFTER_SECONDS,
    });
  }
}

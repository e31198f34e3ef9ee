import { VigilError } from '../core/errors/vigil-error.js';

/** The worker threads' queue is full: the caller should come back later (HTTP 503). */
export class WorkerPoolBusyError extends VigilError {
  constructor(queued: number) {
    super('SERVER_BUSY', 'the server is busy with other scans; retry later', { queued });
  }
}

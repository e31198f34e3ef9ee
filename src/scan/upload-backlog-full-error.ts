import { VigilError } from '../core/errors/vigil-error.js';

/** How long a refused uploader is asked to wait (HTTP Retry-After) while the workers work the backlog off. */
export const BACKLOG_RETRY_AFTER_SECONDS = 30;

/**
 * Queue mode: as many received inventories wait for the workers as the deployment keeps (its disk
 * bound); the caller comes back later (HTTP 503 with Retry-After), as with a full upload queue.
 */
export class UploadBacklogFullError extends VigilError {
  constructor(stored: number) {
    super('SERVER_BUSY', 'the server holds too many inventories waiting to be matched; retry later', {
      stored,
      retryAfterSeconds: BACKLOG_RETRY_AFTER_SECONDS,
    });
  }
}

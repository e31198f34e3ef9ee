import { VigilError } from '../core/errors/vigil-error.js';

/**
 * A check-in's inventory could not be matched for a reason of the server's (its vulnerability DB
 * gone or unreadable, a worker thread that failed). Code INTERNAL: the API answers it as every
 * internal failure (500, message withheld), and the host's coverage shows INTERNAL_ERROR. The
 * original error is the cause, for the server's log.
 */
export class ScanFailedError extends VigilError {
  constructor(cause: unknown) {
    super('INTERNAL', 'the inventory could not be matched', {}, { cause });
  }
}

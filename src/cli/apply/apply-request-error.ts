import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * The server refused or failed a request of `vigil apply` (or could not be reached): the method, the
 * path and the server's own error code and message, never the key.
 */
export class ApplyRequestError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('APPLY_REQUEST_FAILED', message, details, options);
  }
}

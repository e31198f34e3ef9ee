import { VigilError } from '../core/errors/vigil-error.js';

/** The database holds secrets sealed under another key than the one the server was given. */
export class SecretKeyMismatchError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SECRET_KEY_MISMATCH', message, details);
  }
}

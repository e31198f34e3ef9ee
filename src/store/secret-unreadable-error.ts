import { VigilError } from '../core/errors/vigil-error.js';

/** A sealed secret that this key cannot open: another key sealed it, or the stored bytes were altered. */
export class SecretUnreadableError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('SECRET_UNREADABLE', message, details);
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/** The server key file cannot be used: unreadable, not a key, or readable by others than its owner. */
export class SecretKeyFileError extends VigilError {
  constructor(path: string, why: string) {
    super('SECRET_KEY_FILE_INVALID', `secret key file ${path}: ${why}`, { path });
  }
}

import { VigilError } from './vigil-error.js';

/** The caller asked for something that cannot be done as asked (bad flag, bad argument). CLI exit 2. */
export class UsageError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('USAGE', message, details);
  }
}

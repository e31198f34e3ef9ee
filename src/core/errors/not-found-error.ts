import { VigilError } from './vigil-error.js';

/**
 * The named object does not exist for this caller. Objects of other accounts are "not found" too, so
 * an id never tells whether it exists elsewhere: HTTP 404.
 */
export class NotFoundError extends VigilError {
  constructor(what: string, details: Record<string, unknown> = {}) {
    super('NOT_FOUND', `${what} not found`, details);
  }
}

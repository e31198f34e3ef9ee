import { VigilError } from './vigil-error.js';

/** A request's content is not acceptable (a bad token, a filter that fails its schema): HTTP 400. */
export class ValidationError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('VALIDATION', message, details);
  }
}

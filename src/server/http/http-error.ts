import { VigilError } from '../../core/errors/vigil-error.js';

/** An API refusal with its HTTP status (401 unauthenticated, 403 forbidden, 404 not found…). */
export class HttpError extends VigilError {
  readonly status: number;
  constructor(status: number, code: string, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
    this.status = status;
  }
}

export const unauthenticated = (): HttpError =>
  new HttpError(401, 'UNAUTHENTICATED', 'missing or invalid API key (Authorization: Bearer vk_…)');
export const forbidden = (why: string): HttpError => new HttpError(403, 'FORBIDDEN', why);
export const notFound = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);

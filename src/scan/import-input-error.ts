import { VigilError } from '../core/errors/vigil-error.js';

/** What was wrong with an uploaded feed file (details.problem). */
export type ImportInputProblem = 'EMPTY' | 'UNRECOGNIZED' | 'UNREADABLE' | 'MALFORMED' | 'NO_RECORDS';

/**
 * An uploaded vulnerability-data file that cannot be imported as a whole (an empty body, a format no
 * feed reads, a corrupt zip or gzip, a document that is not JSON, nothing usable in it): refused
 * before the import commits, so the vulnerability DB is exactly as it was. HTTP 400.
 */
export class ImportInputError extends VigilError {
  constructor(problem: ImportInputProblem, message: string, details: Record<string, unknown> = {}) {
    super('IMPORT_INPUT_INVALID', message, { problem, ...details });
  }
}

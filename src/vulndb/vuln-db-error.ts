import { VigilError } from '../core/errors/vigil-error.js';

/** The vulnerability DB cannot be opened, migrated or written. */
export class VulnDbError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('VULNDB_ERROR', message, details, cause === undefined ? undefined : { cause });
  }
}

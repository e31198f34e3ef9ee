import { VigilError } from '../core/errors/vigil-error.js';

/** The service DB cannot be opened or migrated (bad URL, unreachable server, failed migration). */
export class ServiceDbError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, cause?: unknown) {
    super('SERVICE_DB', message, details, cause === undefined ? undefined : { cause });
  }
}

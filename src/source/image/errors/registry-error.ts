import { VigilError } from '../../../core/errors/vigil-error.js';

/** The registry answered with an error we cannot recover from (after bounded retries). */
export class RegistryError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('REGISTRY_ERROR', message, details, options);
  }
}

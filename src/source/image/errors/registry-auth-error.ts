import { VigilError } from '../../../core/errors/vigil-error.js';

/** The registry refused our credentials, or asked for credentials we do not have. */
export class RegistryAuthError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('REGISTRY_AUTH_FAILED', message, details, options);
  }
}

import { VigilError } from '../../core/errors/vigil-error.js';

/** A registry's settings cannot be used (its URL, plain HTTP without `insecure`, a poll interval): 400. */
export class RegistryInvalidError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('REGISTRY_INVALID', message, details);
  }
}

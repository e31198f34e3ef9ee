import { VigilError } from '../../../core/errors/vigil-error.js';

/** Plain HTTP was needed for a registry that was not explicitly allowed to use it. */
export class InsecureRegistryError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('INSECURE_REGISTRY_REFUSED', message, details, options);
  }
}

import { VigilError } from '../../core/errors/vigil-error.js';

/** A notification body that is neither a distribution envelope nor a Harbor webhook: 400. */
export class RegistryEventInvalidError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('REGISTRY_EVENT_INVALID', message, details);
  }
}

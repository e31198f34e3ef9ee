import { VigilError } from '../../../core/errors/vigil-error.js';

/** A multi-platform index has no image for the requested platform. */
export class PlatformNotFoundError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('PLATFORM_NOT_FOUND', message, details, options);
  }
}

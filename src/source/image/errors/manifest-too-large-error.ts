import { VigilError } from '../../../core/errors/vigil-error.js';

/** A manifest, index or config is over the size limit; refused before it is parsed. */
export class ManifestTooLargeError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('MANIFEST_TOO_LARGE', message, details, options);
  }
}

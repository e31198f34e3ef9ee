import { VigilError } from '../../../core/errors/vigil-error.js';

/** An image reference cannot be parsed (Docker reference rules, or a transport prefix). */
export class ImageReferenceError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('INVALID_IMAGE_REFERENCE', message, details, options);
  }
}

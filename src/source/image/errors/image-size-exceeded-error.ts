import { VigilError } from '../../../core/errors/vigil-error.js';

/** The image (or a layer) is larger than the configured limit; coverage reason IMAGE_SIZE_EXCEEDED. */
export class ImageSizeExceededError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('IMAGE_SIZE_EXCEEDED', message, details, options);
  }
}

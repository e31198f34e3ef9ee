import { VigilError } from '../../../core/errors/vigil-error.js';

/** The image, tag, manifest or blob does not exist where the reference points. */
export class ImageNotFoundError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('IMAGE_NOT_FOUND', message, details, options);
  }
}

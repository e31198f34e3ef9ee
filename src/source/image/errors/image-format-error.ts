import { VigilError } from '../../../core/errors/vigil-error.js';

/** A manifest, config or archive layout vigil does not understand (unknown media type, schema 1, …). */
export class ImageFormatError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('IMAGE_FORMAT_UNSUPPORTED', message, details, options);
  }
}

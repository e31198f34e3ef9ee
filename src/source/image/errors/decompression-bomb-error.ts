import { VigilError } from '../../../core/errors/vigil-error.js';

/** A layer expands more than the allowed ratio over its compressed size (a decompression bomb). */
export class DecompressionBombError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('DECOMPRESSION_RATIO_EXCEEDED', message, details, options);
  }
}

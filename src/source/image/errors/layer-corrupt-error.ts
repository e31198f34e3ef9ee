import { VigilError } from '../../../core/errors/vigil-error.js';

/** A layer is not a readable (compressed) tar stream. */
export class LayerCorruptError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('LAYER_CORRUPT', message, details, options);
  }
}

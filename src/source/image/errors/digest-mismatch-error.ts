import { VigilError } from '../../../core/errors/vigil-error.js';

/** Bytes received do not hash to the digest that named them: the content is not what was asked for. */
export class DigestMismatchError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super('DIGEST_MISMATCH', message, details, options);
  }
}

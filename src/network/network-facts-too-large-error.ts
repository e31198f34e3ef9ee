import { VigilError } from '../core/errors/vigil-error.js';

/** Network facts larger than the reader accepts: refused before parsing, so memory stays bounded. */
export class NetworkFactsTooLargeError extends VigilError {
  constructor(size: number, limit: number) {
    super('NETWORK_FACTS_TOO_LARGE', `network facts are ${size} bytes, over the ${limit}-byte limit`, {
      size,
      limit,
    });
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/** Resource details are free JSON, but bounded: they travel with every finding of the resource. HTTP 400. */
export class DetailsTooLargeError extends VigilError {
  constructor(maxBytes: number) {
    super('DETAILS_TOO_LARGE', `resource details are at most ${maxBytes / 1024} KiB of JSON`, { maxBytes });
  }
}

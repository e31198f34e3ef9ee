import { VigilError } from '../../core/errors/vigil-error.js';

/** A zip entry would inflate past its limit: a decompression bomb or an oversize member. */
export class ZipEntryTooLargeError extends VigilError {
  constructor(
    readonly entry: string,
    readonly limit: number,
  ) {
    super('ZIP_ENTRY_TOO_LARGE', `${entry} inflates past ${limit} bytes`, { entry, limit });
  }
}

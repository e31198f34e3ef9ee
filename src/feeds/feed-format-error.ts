import { VigilError } from '../core/errors/vigil-error.js';

/**
 * A feed's input is not the format (or schema version) its importer reads: refused whole, before
 * anything is written. Record-level problems are counted as invalid instead.
 */
export class FeedFormatError extends VigilError {
  constructor(feed: string, reason: string) {
    super('FEED_FORMAT', `${feed}: unsupported input: ${reason}`, { feed, reason });
  }
}

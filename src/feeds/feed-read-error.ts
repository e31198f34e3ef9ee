import { VigilError } from '../core/errors/vigil-error.js';

/**
 * A feed input file could not be read to its end (a truncated gzip, bytes that are not the JSON or
 * text the feed is, an I/O error): the import rolls back and names the file. CLI exit 1.
 */
export class FeedReadError extends VigilError {
  constructor(path: string, reason: string, cause?: unknown) {
    super('FEED_READ', `cannot read ${path}: ${reason}`, { path, reason }, { cause });
  }
}

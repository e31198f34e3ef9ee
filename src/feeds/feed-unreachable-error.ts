import { VigilError } from '../core/errors/vigil-error.js';

/** A publisher's URL could not be fetched (offline, DNS, refused, HTTP error). CLI exit 1. */
export class FeedUnreachableError extends VigilError {
  constructor(url: string, reason: string) {
    super(
      'FEED_UNREACHABLE',
      `cannot download ${url}: ${reason}. \`vigil db update\` needs network access to the feed publishers; ` +
        'offline, download the files elsewhere and load them with `vigil db import FILE…` ' +
        '(the DB keeps serving its current data)',
      { url, reason },
    );
  }
}

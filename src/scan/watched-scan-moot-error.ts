import { VigilError } from '../core/errors/vigil-error.js';

/** The queued scan is no longer wanted: the image was deleted, re-queued, or left every rule meanwhile. */
export class WatchedScanMootError extends VigilError {
  constructor(digest: string, why: string) {
    super('IMAGE_SCAN_MOOT', `${digest}: ${why}; nothing written`, { digest });
  }
}

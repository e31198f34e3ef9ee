import { VigilError } from '../core/errors/vigil-error.js';

/** A queued scan of a kind no worker runs (a row written by a newer server, say). */
export class UnsupportedScanError extends VigilError {
  constructor(kind: string) {
    super('UNSUPPORTED_SCAN', `no worker runs ${kind} scans`, { kind });
  }
}

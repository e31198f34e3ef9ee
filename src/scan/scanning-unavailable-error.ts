import { VigilError } from '../core/errors/vigil-error.js';

/** The server runs without a vulnerability DB, so nothing can be matched (HTTP 503). */
export class ScanningUnavailableError extends VigilError {
  constructor() {
    super('SCANNING_UNAVAILABLE', 'this server has no vulnerability DB');
  }
}

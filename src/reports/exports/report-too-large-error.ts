import { VigilError } from '../../core/errors/vigil-error.js';

/** A report outgrew MAX_REPORT_BYTES: it is marked FAILED with this code, and a narrower filter helps. */
export class ReportTooLargeError extends VigilError {
  constructor(limitBytes: number) {
    super('REPORT_TOO_LARGE', `the report exceeds ${limitBytes} bytes; narrow its filter`, { limitBytes });
  }
}

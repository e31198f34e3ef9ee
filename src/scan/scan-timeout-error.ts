import { VigilError } from '../core/errors/vigil-error.js';

/** A scan ran past its time budget: its work was abandoned and nothing of it was written. */
export class ScanTimeoutError extends VigilError {
  constructor(budgetMs: number) {
    super('SCAN_TIMEOUT', `the scan did not finish within its ${budgetMs} ms budget`, { budgetMs });
  }
}

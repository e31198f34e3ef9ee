import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * The server's state does not allow the file to be applied as written (the key is not the delegated
 * administrator's, an account the file names is in another organization, no organization to create an
 * account in): found while planning, before any write.
 */
export class ApplyPlanError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('APPLY_PLAN_REFUSED', message, details);
  }
}

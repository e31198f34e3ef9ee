import { VigilError } from '../core/errors/vigil-error.js';

/**
 * One write would create two findings of the same identity on one resource. On SQLite no index refuses
 * it (m0032), so the write does, and its transaction writes nothing.
 */
export class DuplicateFindingError extends VigilError {
  constructor(accountId: string, resourceId: string, identityKey: string) {
    super('FINDING_IDENTITY_DUPLICATE', `two new findings of one identity on resource ${resourceId}`, {
      accountId,
      resourceId,
      identityKey,
    });
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/** Stable codes of the account/organization conflicts an API caller can run into. */
export type AccountConflictCode = 'ALREADY_IN_ORGANIZATION' | 'ACCOUNT_EXISTS';

/**
 * The request collides with what exists (the account already belongs to an organization, the account
 * id is taken). The HTTP layer maps both codes to 409.
 */
export class AccountConflictError extends VigilError {
  constructor(code: AccountConflictCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

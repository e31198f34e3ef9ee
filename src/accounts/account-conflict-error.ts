import { HttpError } from '../server/http/http-error.js';

/** Stable codes of the account/organization conflicts an API caller can run into. */
export type AccountConflictCode = 'ALREADY_IN_ORGANIZATION' | 'ACCOUNT_EXISTS';

/**
 * The request collides with what exists (the account already belongs to an organization, the account
 * id is taken): 409. An HttpError, so the one error mapping turns it into `{ code, message, details }`.
 */
export class AccountConflictError extends HttpError {
  constructor(code: AccountConflictCode, message: string, details: Record<string, unknown> = {}) {
    super(409, code, message, details);
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/**
 * An enrollment token that cannot enroll: unknown, expired, used up or revoked. One code and one
 * message for all four, so a caller learns nothing about which tokens exist (HTTP 401).
 */
export class EnrollTokenInvalidError extends VigilError {
  constructor() {
    super('ENROLL_TOKEN_INVALID', 'the enrollment token is unknown, expired, used up or revoked');
  }
}

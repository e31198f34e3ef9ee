import { VigilError } from '../core/errors/vigil-error.js';

/**
 * A check-in whose host key is missing, unknown or revoked (re-enrolled elsewhere, host
 * deregistered): HTTP 401 with `nodeInvalid: true`, osquery's signal for the agent to enroll again.
 */
export class HostKeyInvalidError extends VigilError {
  constructor() {
    super('HOST_KEY_INVALID', 'the host key is missing, unknown or revoked: enroll again', {
      nodeInvalid: true,
    });
  }
}

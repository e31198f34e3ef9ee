import { VigilError } from '../../core/errors/vigil-error.js';

/** A registry notification without the registry's secret, or with another one: 401, nothing is read. */
export class NotificationSecretInvalidError extends VigilError {
  constructor() {
    super(
      'NOTIFICATION_SECRET_INVALID',
      "send the registry's notification secret as `Authorization: Bearer <secret>`",
    );
  }
}

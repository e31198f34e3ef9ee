import { VigilError } from '../../core/errors/vigil-error.js';

/** Network settings an account sent are not what the API takes (a 400 naming the bad entry). */
export class NetworkSettingsInvalidError extends VigilError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super('NETWORK_SETTINGS_INVALID', message, details);
  }
}

import { VigilError } from '../../core/errors/vigil-error.js';

/**
 * A setting from the config file or the environment that vigil cannot take: an unknown key, a value of
 * the wrong type, a file that is not YAML or cannot be read. `details.path` names the key (with the
 * line in the file), so the operator can fix it without guessing. The CLI exits 2, as for a bad flag.
 */
export class ConfigInvalidError extends VigilError {
  constructor(message: string, details: { source: string; path?: string; line?: number }) {
    super('CONFIG_INVALID', message, details);
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/** Network facts (an agent check-in) that are not the documented JSON, or whose firewall dump is unreadable. */
export class NetworkFactsInvalidError extends VigilError {
  constructor(errors: readonly { path: string; message: string }[]) {
    const first = errors[0];
    super(
      'NETWORK_FACTS_INVALID',
      `network facts are not valid${first ? `: ${first.path} ${first.message}` : ''}`,
      { errors },
    );
  }
}

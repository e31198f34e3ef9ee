import { VigilError } from '../core/errors/vigil-error.js';

/** An `--egress-allow` / VIGIL_EGRESS_ALLOW entry that is neither an address, a CIDR range nor a host name. */
export class EgressAllowInvalidError extends VigilError {
  constructor(entry: string) {
    super(
      'EGRESS_ALLOW_INVALID',
      `egress allow list: "${entry}" is not an IP address, a CIDR range (10.0.5.0/24) or a host name (registry.internal, *.corp.example)`,
      { entry },
    );
  }
}

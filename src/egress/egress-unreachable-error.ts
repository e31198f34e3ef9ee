import { VigilError } from '../core/errors/vigil-error.js';

/**
 * An outbound call that could not be made: the name does not resolve, the connection was refused or
 * reset, TLS failed. Under the server's policy the reason is left out (`reason` undefined), so a refused
 * port and a reset one read the same; the CLI shows it to the user who asked.
 */
export class EgressUnreachableError extends VigilError {
  constructor(host: string, reason?: string) {
    super('EGRESS_UNREACHABLE', `cannot connect to ${host}${reason ? ` (${reason})` : ''}`, { host });
  }
}

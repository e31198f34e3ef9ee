import { VigilError } from '../core/errors/vigil-error.js';

/**
 * An outbound call to a host that is not a public address (loopback, private, link-local, metadata…),
 * refused before any connection is made. The message names the host as the caller wrote it, never what
 * it resolved to nor which range it fell in, and is the same whatever listens there: a refused call
 * tells a tenant nothing about the operator's network. HTTP 403 where a request asked for it.
 */
export class EgressDeniedError extends VigilError {
  constructor(host: string) {
    super(
      'EGRESS_DENIED',
      `vigil does not connect to ${host}: it is not a public address. ` +
        'The operator can allow it with `vigil server --egress-allow` (or VIGIL_EGRESS_ALLOW)',
      { host },
    );
  }
}

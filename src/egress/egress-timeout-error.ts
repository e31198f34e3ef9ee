import { VigilError } from '../core/errors/vigil-error.js';

/** Which part of an exchange ran out of time. */
export type EgressPhase = 'connect' | 'headers' | 'idle' | 'slow';

const WHAT: Readonly<Record<EgressPhase, string>> = {
  connect: 'connection (TCP and TLS)',
  headers: 'response headers',
  idle: 'response data',
  slow: 'response data at the minimum rate',
};

/** An outbound call that took too long: a tarpit, a stalled server or a trickle. */
export class EgressTimeoutError extends VigilError {
  constructor(host: string, phase: EgressPhase, timeoutMs: number) {
    super('EGRESS_TIMEOUT', `${host}: no ${WHAT[phase]} within ${timeoutMs} ms`, {
      host,
      phase,
      timeoutMs,
    });
  }
}

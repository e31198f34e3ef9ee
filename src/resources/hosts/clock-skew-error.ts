import { VigilError } from '../../core/errors/vigil-error.js';

/** An agent whose clock is absurdly off (more than a day): HTTP 400, nothing recorded. */
export class ClockSkewError extends VigilError {
  constructor(sentAt: string, serverTime: string) {
    super('CLOCK_SKEW', `the agent's clock (${sentAt}) is more than a day off the server's (${serverTime})`, {
      sentAt,
      serverTime,
    });
  }
}

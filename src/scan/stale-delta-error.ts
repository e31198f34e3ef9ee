import { VigilError } from '../core/errors/vigil-error.js';

/**
 * A check-in matched only what changed since the inventory the server held, and another inventory of
 * the host was stored before it applied. Never answered: the check-in is matched whole and applied
 * (host-checkin.ts). Code CONFLICT should it ever escape (409, the transaction wrote nothing).
 */
export class StaleDeltaError extends VigilError {
  constructor() {
    super('CONFLICT', 'the inventory changed while the check-in was matched');
  }
}

import { VigilError } from '../core/errors/vigil-error.js';

/** A submitted body is not JSON at all (read off the event loop, so not by the HTTP framework). */
export class MalformedBodyError extends VigilError {
  constructor() {
    super('MALFORMED_JSON', 'request body is not valid JSON');
  }
}

import { VigilError } from '../../core/errors/vigil-error.js';

/** A webhook URL that vigil will not deliver to (scheme, credentials, fragment…): HTTP 400. */
export class WebhookUrlError extends VigilError {
  constructor(why: string, part: string) {
    super('WEBHOOK_URL_INVALID', `webhook url: ${why}`, part ? { part } : {});
  }
}

import type { Egress } from '../../egress/egress-client.js';
import { EgressUnreachableError } from '../../egress/egress-unreachable-error.js';
import { WebhookUrlError } from './webhook-url-error.js';

/**
 * A subscription URL: absolute http(s) only (no file:, data:, javascript: …), and no user:password@
 * in it: credentials in a URL end up in logs and lists, and the HMAC signature is the authentication.
 */
export function checkWebhookUrl(raw: string): string {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw invalid('not an absolute URL', raw);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid('only http and https URLs are allowed', url.protocol);
  if (url.username !== '' || url.password !== '')
    throw invalid('credentials in the URL are not allowed (the signature authenticates vigil)', '');
  if (url.hash !== '') throw invalid('a fragment is never sent; leave it out', url.hash);
  return url.toString();
}

function invalid(why: string, part: string): WebhookUrlError {
  // The URL itself is not echoed back: it could hold the very credentials being refused.
  return new WebhookUrlError(why, part);
}

/**
 * A subscription URL the egress policy allows, checked when it is created or changed (and again on
 * every delivery): `http://127.0.0.1`, `http://2130706433`, a name resolving to a private address…
 * are refused with EGRESS_DENIED. A name that does not resolve yet is accepted; its deliveries will
 * fail until it does (and are checked then).
 */
export async function checkWebhookTarget(raw: string, egress: Egress): Promise<string> {
  const url = checkWebhookUrl(raw);
  try {
    await egress.check(url);
  } catch (err) {
    if (!(err instanceof EgressUnreachableError)) throw err;
  }
  return url;
}

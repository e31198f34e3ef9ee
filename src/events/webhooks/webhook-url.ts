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

import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header a receiver checks: `sha256=<hex HMAC-SHA256(secret, raw request body)>`. */
export const SIGNATURE_HEADER = 'X-Vigil-Signature';
/** The delivery id: the same on every retry of one delivery, so receivers can drop duplicates. */
export const DELIVERY_HEADER = 'X-Vigil-Delivery';

/** 32 random bytes, base64url: shown once on create or rotate; the HMAC key is this text as UTF-8. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function signBody(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody).digest('hex')}`;
}

/** What a receiver does (and what the tests do): constant-time compare against our own HMAC. */
export function verifySignature(secret: string, rawBody: string, header: string | undefined): boolean {
  if (!header) return false;
  const expected = Buffer.from(signBody(secret, rawBody));
  const given = Buffer.from(header);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

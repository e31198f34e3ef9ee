import type { FastifyRequest } from 'fastify';

/** An API key as it may appear in text: `vk_` (or `vk%5F` percent-encoded) and its base64url body. */
const KEY_TEXT = /vk(?:_|%5f)[A-Za-z0-9_%-]{4,}/gi;

/** Text with anything that looks like an API key replaced. */
export function scrubKeys(text: string): string {
  return text.replace(KEY_TEXT, 'vk_[redacted]');
}

/**
 * The URL a request log line shows: the path, with any key-looking segment scrubbed, and never the
 * query (`?api_key=vk_…` was logged verbatim; a query may hold a key under any name, or as the name).
 */
export function loggedUrl(url: string): string {
  const q = url.indexOf('?');
  const path = scrubKeys(q === -1 ? url : url.slice(0, q));
  return q === -1 ? path : `${path}?[redacted]`;
}

/** pino's request serializer, with the URL as above and nothing else a caller chose but the method. */
export function requestForLog(req: FastifyRequest): Record<string, unknown> {
  // Anything logged under `req` passes here, a request or not: keep only what is known to be safe.
  const r = req as Partial<FastifyRequest>;
  return {
    ...(typeof r.method === 'string' ? { method: r.method } : {}),
    ...(typeof r.url === 'string' ? { url: loggedUrl(r.url) } : {}),
    ...(typeof r.ip === 'string' ? { remoteAddress: r.ip } : {}),
  };
}

/**
 * The log stream behind the logger: every line passes scrubKeys before it is written, so a key that
 * reaches a log line by a path nobody thought of (an error message, a field logged later) is still
 * not written.
 */
export function scrubbingStream(out: { write(line: string): void }): { write(line: string): void } {
  return { write: (line) => out.write(scrubKeys(line)) };
}

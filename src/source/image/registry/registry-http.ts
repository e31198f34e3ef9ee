import { setTimeout as sleep } from 'node:timers/promises';
import type { Egress } from '../../../egress/egress-client.js';
import { EgressDeniedError } from '../../../egress/egress-denied-error.js';
import { EgressTimeoutError } from '../../../egress/egress-timeout-error.js';
import { ManifestTooLargeError } from '../errors/manifest-too-large-error.js';
import { RegistryAuthError } from '../errors/registry-auth-error.js';
import { RegistryError } from '../errors/registry-error.js';

/**
 * How vigil names itself to registries: their logs and notifications (a pull event's
 * `request.useragent`) can tell vigil's own reads from real pulls.
 */
export const REGISTRY_USER_AGENT = 'vigil-scanner/1';
const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);
const MAX_RETRIES = 3;
const MAX_REDIRECTS = 5;
const MAX_BACKOFF_MS = 5_000;

/**
 * One GET through the egress with bounded retries (429 and 5xx, connection failures; exponential
 * backoff, Retry-After honoured up to 5 s) and redirects followed by hand: each hop is a new egress
 * call, so the egress policy judges every hop, and Authorization is dropped when a redirect leaves the
 * registry's origin (blob storage must not receive registry credentials).
 */
export async function fetchWithPolicy(
  egress: Egress,
  url: string,
  headers: Record<string, string>,
  retries = MAX_RETRIES,
  signal?: AbortSignal,
): Promise<Response> {
  let current = new URL(url);
  let hdrs: Record<string, string> = { 'user-agent': REGISTRY_USER_AGENT, ...headers };
  for (let hop = 0; hop <= MAX_REDIRECTS; hop++) {
    const res = await fetchRetrying(egress, current, hdrs, retries, signal);
    if (res.status < 300 || res.status >= 400 || res.status === 304) return res;
    const location = res.headers.get('location');
    await res.body?.cancel();
    if (!location)
      throw new RegistryError(`redirect without Location from ${current.host}`, { status: res.status });
    const next = new URL(location, current);
    if (next.origin !== current.origin) {
      const { authorization: _drop, ...rest } = hdrs;
      hdrs = rest;
    }
    current = next;
  }
  throw new RegistryError(`more than ${MAX_REDIRECTS} redirects from ${url}`);
}

async function fetchRetrying(
  egress: Egress,
  url: URL,
  headers: Record<string, string>,
  retries: number,
  signal: AbortSignal | undefined,
): Promise<Response> {
  const sleepOpts = signal ? { signal } : {};
  for (let attempt = 0; ; attempt++) {
    let res: Response;
    try {
      res = await egress.fetch(url, { headers, ...(signal ? { signal } : {}) });
    } catch (err) {
      // A refusal is final, a tarpit is not worth waiting on twice, and an abort is the caller giving up.
      if (attempt >= retries || isFinal(err) || signal?.aborted) throw err;
      await sleep(backoff(attempt, null), undefined, sleepOpts);
      continue;
    }
    if (!RETRY_STATUSES.has(res.status) || attempt >= retries) return res;
    await res.body?.cancel();
    await sleep(backoff(attempt, res.headers.get('retry-after')), undefined, sleepOpts);
  }
}

/** Egress errors no retry can change. */
export function isFinal(err: unknown): boolean {
  return err instanceof EgressDeniedError || err instanceof EgressTimeoutError;
}

function backoff(attempt: number, retryAfter: string | null): number {
  const seconds = retryAfter ? Number(retryAfter) : NaN;
  if (Number.isFinite(seconds)) return Math.min(MAX_BACKOFF_MS, seconds * 1000);
  return Math.min(MAX_BACKOFF_MS, 250 * 2 ** attempt);
}

/** Reads a whole body, refusing it (and stopping the download) once it passes `limit` bytes. */
export async function readLimited(res: Response, limit: number, what: string): Promise<Buffer> {
  const declared = Number(res.headers.get('content-length') ?? NaN);
  if (declared > limit) {
    await res.body?.cancel();
    throw tooLarge(what, declared, limit);
  }
  const chunks: Buffer[] = [];
  let total = 0;
  if (!res.body) return Buffer.alloc(0);
  const reader = res.body.getReader() as ReadableStreamDefaultReader<Uint8Array>;
  for (;;) {
    const next = await reader.read();
    if (next.done) break;
    const value = next.value;
    total += value.length;
    if (total > limit) {
      await reader.cancel();
      throw tooLarge(what, total, limit);
    }
    chunks.push(Buffer.from(value));
  }
  return Buffer.concat(chunks);
}

function tooLarge(what: string, size: number, limit: number): ManifestTooLargeError {
  return new ManifestTooLargeError(`${what} is over the ${limit}-byte limit (${size} bytes or more)`, {
    what,
    size,
    limit,
  });
}

/** A registry's 401/403 as the auth error (saying when no credentials were given), undefined otherwise. */
export function refusalOf(
  host: string,
  what: string,
  status: number,
  hadCredentials: boolean,
): RegistryAuthError | undefined {
  if (status !== 401 && status !== 403) return undefined;
  return new RegistryAuthError(
    `${host} refused ${what} (${status})${hadCredentials ? '' : ': no credentials given'}`,
    { status },
  );
}

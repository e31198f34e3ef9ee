import { isVigilError } from '../../core/errors/vigil-error.js';
import type { Egress } from '../../egress/egress-client.js';
import { CLOUD_EVENTS_CONTENT_TYPE, type CloudEvent } from './webhook-cloud-event.js';
import { DELIVERY_HEADER, SIGNATURE_HEADER, signBody } from './webhook-signature.js';

export interface SendOutcome {
  ok: boolean;
  statusCode: number | null;
  /** Why it failed, for the delivery log: never the body we sent, never the secret. */
  error: string | null;
}

export interface SendRequest {
  url: string;
  secret: string;
  deliveryId: string;
  event: CloudEvent;
  timeoutMs: number;
  /** The server's egress: the URL is checked (and the connection pinned) on every attempt. */
  egress: Egress;
  /** Aborts an attempt in flight when the server stops. */
  stop?: AbortSignal;
}

/**
 * One POST of one event: CloudEvents structured JSON, signed over the exact bytes sent. 2xx is
 * success; anything else, a timeout or a network error is a failed attempt. Redirects are not
 * followed: a 3xx must not send signed events to a URL nobody subscribed. A URL the egress policy
 * refuses is never connected to: the log says EGRESS_DENIED, with no status and no remote's answer.
 */
export async function sendEvent(req: SendRequest): Promise<SendOutcome> {
  const body = JSON.stringify(req.event);
  const timeout = AbortSignal.timeout(req.timeoutMs);
  const signal = req.stop ? AbortSignal.any([timeout, req.stop]) : timeout;
  try {
    const res = await req.egress.fetch(req.url, {
      method: 'POST',
      signal,
      headers: {
        'content-type': CLOUD_EVENTS_CONTENT_TYPE,
        'user-agent': 'vigil-webhooks/1',
        [SIGNATURE_HEADER]: signBody(req.secret, body),
        [DELIVERY_HEADER]: req.deliveryId,
      },
      body,
    });
    // The answer's body is of no use, and a hostile receiver could make it endless: not read.
    await res.body?.cancel().catch(() => undefined);
    const ok = res.status >= 200 && res.status < 300;
    return { ok, statusCode: res.status, error: ok ? null : `HTTP ${res.status}` };
  } catch (err) {
    if (timeout.aborted) return { ok: false, statusCode: null, error: `timeout after ${req.timeoutMs} ms` };
    if (req.stop?.aborted) return { ok: false, statusCode: null, error: 'server stopping' };
    return { ok: false, statusCode: null, error: describe(err) };
  }
}

/** The egress's typed errors as `CODE: message`; anything else is not described further. */
function describe(err: unknown): string {
  if (isVigilError(err)) return `${err.code}: ${err.message}`.slice(0, 300);
  return 'request failed';
}

import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CloudEvent } from '../../src/events/webhooks/webhook-cloud-event.js';
import { verifySignature } from '../../src/events/webhooks/webhook-signature.js';
import { opensslSignatures } from './openssl-hmac.js';

export interface Arrival {
  event: CloudEvent;
  raw: string;
  headers: IncomingHttpHeaders;
  signatureOk: boolean;
  /** What the receiver answered; 'hang': nothing (the sender times out). */
  answer: number | 'hang';
  delayMs: number;
  /** The sender's port of the connection (to name the sending process, with ss). */
  remotePort: number;
}

/** How to answer the n-th request (0-based) carrying this event; a delay in ms may come with it. */
export type Responder = (event: CloudEvent, n: number) => { status: number | 'hang'; delayMs?: number };

export interface Receiver {
  url: string;
  /** Set once the subscription is created (the URL is needed first). */
  secret: string;
  arrivals: Arrival[];
  /**
   * Arrivals whose X-Vigil-Signature is not what `openssl dgst -sha256 -hmac` makes of the raw body
   * with the secret, or whose live verdict (vigil's verifySignature) disagrees with openssl's.
   */
  opensslDisagreements(): { eventId: string; header: unknown; openssl: string; liveVerdict: boolean }[];
  close(): Promise<void>;
}

/**
 * A webhook receiver on 127.0.0.1 that does what a real one must: verify X-Vigil-Signature over the
 * raw body with the subscription's secret. Every complete request is recorded, whatever it answers.
 */
export async function startReceiver(respond: Responder = () => ({ status: 200 })): Promise<Receiver> {
  const arrivals: Arrival[] = [];
  const receiver: Receiver = {
    url: '',
    secret: '',
    arrivals,
    opensslDisagreements: () => {
      const expected = opensslSignatures(
        receiver.secret,
        arrivals.map((a) => a.raw),
      );
      return arrivals.flatMap((a, i) => {
        const header = a.headers['x-vigil-signature'];
        const openssl = expected[i] ?? '';
        const ok = header === openssl;
        return ok && a.signatureOk
          ? []
          : [{ eventId: a.event.id, header, openssl, liveVerdict: a.signatureOk }];
      });
    },
    close: () => Promise.resolve(),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const header = req.headers['x-vigil-signature'];
      const event = JSON.parse(raw) as CloudEvent;
      const { status, delayMs = 0 } = respond(event, arrivals.length);
      const signatureOk = verifySignature(
        receiver.secret,
        raw,
        typeof header === 'string' ? header : undefined,
      );
      // A bad signature is refused, as a real receiver would: the sender then retries, visibly.
      const answer = signatureOk ? status : 401;
      arrivals.push({
        ...{ event, raw, headers: req.headers, signatureOk, answer, delayMs },
        remotePort: req.socket.remotePort ?? 0,
      });
      if (answer === 'hang') return;
      setTimeout(() => res.writeHead(answer).end(), delayMs);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  receiver.url = `http://127.0.0.1:${port}/hook`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}

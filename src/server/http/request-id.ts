import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';

/**
 * A request id a client may choose (a proxy's or a caller's trace id): letters, digits and `._:-`,
 * up to 128 characters. Anything else is replaced, so an id never carries markup, spaces or a log
 * line's worth of text into the logs.
 */
const CLIENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

/** The request's id: the client's `X-Request-Id` when well-formed, else a new UUID. */
export function requestIdOf(req: IncomingMessage): string {
  const sent = req.headers[REQUEST_ID_HEADER];
  return typeof sent === 'string' && CLIENT_ID.test(sent) ? sent : randomUUID();
}

/** Fastify's options for it: every request log line carries it as `reqId`. */
export const REQUEST_ID_OPTIONS = { genReqId: requestIdOf, requestIdHeader: false as const };

/** Every answer names its request, so a caller can quote the id that finds its log lines. */
export function installRequestIdHeader(app: FastifyInstance): Promise<void> {
  app.addHook('onRequest', (req, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, req.id);
    done();
  });
  return Promise.resolve();
}

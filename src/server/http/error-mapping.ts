import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isVigilError } from '../../core/errors/vigil-error.js';
import { HttpError } from './http-error.js';

export interface ErrorBody {
  code: string;
  message: string;
  details: Record<string, unknown>;
}

/**
 * THE table from the domain's stable error codes to HTTP statuses: domain code throws coded errors
 * and never knows about HTTP. A code not listed here is a server failure (500, message withheld).
 */
const STATUS_OF_CODE: Readonly<Record<string, number>> = {
  USAGE: 400,
  PARSE_ERROR: 400,
  MALFORMED_JSON: 400,
  JSON_TOO_DEEP: 400,
  VERSION_INVALID: 400,
  VALIDATION: 400,
  CLOCK_SKEW: 400,
  ENROLL_TOKEN_INVALID: 401,
  HOST_KEY_INVALID: 401,
  NOTIFICATION_SECRET_INVALID: 401,
  REGISTRY_INVALID: 400,
  REGISTRY_EVENT_INVALID: 400,
  SBOM_INVALID: 400,
  VEX_INVALID: 400,
  VEX_UNSUPPORTED_VERSION: 400,
  WEBHOOK_URL_INVALID: 400,
  INVALID_IMAGE_REFERENCE: 400,
  INVALID_TAGS: 400,
  DETAILS_TOO_LARGE: 400,
  NETWORK_FACTS_INVALID: 400,
  NETWORK_FACTS_TOO_LARGE: 413,
  ASSESSMENT_FACTS_INVALID: 400,
  ASSESSMENT_FACTS_TOO_LARGE: 413,
  CLOUD_NETWORK_INVALID: 400,
  CLOUD_NETWORK_DANGLING_REFERENCE: 400,
  NETWORK_SETTINGS_INVALID: 400,
  IMPORT_INPUT_INVALID: 400,
  EGRESS_DENIED: 403,
  IMAGE_SCAN_FORBIDDEN: 403,
  NOT_FOUND: 404,
  JOB_NOT_FOUND: 404,
  SCANNING_DISABLED: 409,
  ALREADY_IN_ORGANIZATION: 409,
  ACCOUNT_EXISTS: 409,
  RESOURCE_EXISTS: 409,
  RESOURCE_TYPE_MISMATCH: 409,
  RESOURCE_EXCLUDED: 409,
  REGISTRY_EXISTS: 409,
  SCANNING_UNAVAILABLE: 503,
  PDF_RENDERER_UNAVAILABLE: 503,
  SERVER_BUSY: 503,
  JOB_QUEUE_CONFIG: 500,
};

/** Fastify's body-framing refusals, under stable codes of ours rather than Fastify's internal ones. */
const FRAMING_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_JSON',
    message: 'request body is not valid JSON',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { status: 400, code: 'MALFORMED_JSON', message: 'request body is empty' },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'send the body as application/json',
  },
  // The router's refusals: Fastify's own bodies echoed the URL and had another shape.
  FST_ERR_BAD_URL: { status: 400, code: 'BAD_URL', message: 'the URL is not valid (a malformed %-escape?)' },
  FST_ERR_MAX_PARAM_LENGTH: { status: 414, code: 'URI_TOO_LONG', message: 'a path parameter is too long' },
  FST_ERR_ASYNC_CONSTRAINT: { status: 400, code: 'BAD_REQUEST', message: 'the request matches no route' },
};

/** Refusals Node's HTTP parser makes before Fastify sees a request, by the parser's error code. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; code: string; message: string }>> = {
  HPE_HEADER_OVERFLOW: { status: 431, code: 'HEADERS_TOO_LARGE', message: 'request headers too large' },
  ERR_HTTP_REQUEST_TIMEOUT: { status: 408, code: 'REQUEST_TIMEOUT', message: 'the request took too long' },
};

/**
 * Written straight to the socket (there is no request yet), in the same `{ code, message, details }`
 * body as every other error; anything the parser refuses but a header overflow or a timeout is a 400.
 */
function clientErrorHandler(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const e = CLIENT_ERRORS[err.code ?? ''] ?? {
    status: 400,
    code: 'MALFORMED_REQUEST',
    message: 'the request is not valid HTTP',
  };
  const json = JSON.stringify(body(e.code, e.message));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${e.status} ${STATUS_CODES[e.status] ?? ''}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(json)}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(err);
}

/**
 * Fastify constructor options that route its framework and parser refusals through this file:
 * a malformed URL, an over-long path parameter (ids are up to 500 characters, percent-encoded up to
 * 9 each), headers too large.
 */
export const FRAMING_OPTIONS = {
  clientErrorHandler,
  frameworkErrors: (err: FastifyError, _req: FastifyRequest, reply: FastifyReply): void => {
    const { status, body } = toHttp(err);
    void reply.status(status).send(body);
  },
  routerOptions: { maxParamLength: 4500 },
};

/** THE one place errors become HTTP responses: every body is `{ code, message, details }`. */
export function toHttp(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof HttpError) return { status: err.status, body: body(err.code, err.message, err.details) };
  if (isVigilError(err)) {
    const status = STATUS_OF_CODE[err.code] ?? 500;
    return {
      status,
      body: body(
        err.code,
        status === 500 ? 'internal error' : err.message,
        status === 500 ? {} : err.details,
      ),
    };
  }
  const fe = err as Partial<FastifyError>;
  if (fe.validation) {
    return {
      status: 400,
      body: body('VALIDATION', fe.message ?? 'invalid request', { errors: fe.validation }),
    };
  }
  if (fe.code === 'FST_ERR_CTP_BODY_TOO_LARGE')
    return { status: 413, body: body('BODY_TOO_LARGE', 'request body too large') };
  const framing = FRAMING_ERRORS[fe.code ?? ''];
  if (framing) return { status: framing.status, body: body(framing.code, framing.message) };
  if (typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return { status: fe.statusCode, body: body(fe.code ?? 'BAD_REQUEST', fe.message ?? 'bad request') };
  }
  // Internal errors never leak their message (it may name paths, SQL or secrets).
  return { status: 500, body: body('INTERNAL', 'internal error') };
}

function body(code: string, message: string, details: Readonly<Record<string, unknown>> = {}): ErrorBody {
  return { code, message, details: { ...details } };
}

export function installErrorMapping(app: FastifyInstance): void {
  app.setErrorHandler((err, _req, reply) => {
    const { status, body } = toHttp(err);
    if (status === 500) app.log.error({ err }, 'request failed');
    // A refusal that says when to come back (SERVER_BUSY) says it in the header clients read too.
    const retryAfter = body.details['retryAfterSeconds'];
    if ((status === 503 || status === 429) && typeof retryAfter === 'number')
      void reply.header('retry-after', String(retryAfter));
    return reply.status(status).send(body);
  });
  app.setNotFoundHandler((req, reply) =>
    reply.status(404).send({
      code: 'NOT_FOUND',
      message: `no route ${req.method} ${req.url.split('?')[0] ?? ''}`,
      details: {},
    }),
  );
}

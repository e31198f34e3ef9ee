import type { FastifyError, FastifyInstance } from 'fastify';
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
  VERSION_INVALID: 400,
  VALIDATION: 400,
  SBOM_INVALID: 400,
  WEBHOOK_URL_INVALID: 400,
  INVALID_IMAGE_REFERENCE: 400,
  INVALID_TAGS: 400,
  DETAILS_TOO_LARGE: 400,
  EGRESS_DENIED: 403,
  IMAGE_SCAN_FORBIDDEN: 403,
  NOT_FOUND: 404,
  SCANNING_DISABLED: 409,
  ALREADY_IN_ORGANIZATION: 409,
  ACCOUNT_EXISTS: 409,
  RESOURCE_EXISTS: 409,
  RESOURCE_TYPE_MISMATCH: 409,
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

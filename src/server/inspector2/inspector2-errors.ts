import type { FastifyReply, FastifyRequest } from 'fastify';
import { toHttp } from '../http/error-mapping.js';
import { HttpError } from '../http/http-error.js';

/**
 * THE table from vigil's stable error codes to Inspector's exception names. The HTTP status stays
 * what src/server/http/error-mapping.ts says; a code not listed here takes the exception of its
 * status (below), so a new domain code never turns into an InternalServerException by omission.
 * The authentication failures are AWS's own (not in the inspector2 model): the SDKs and the CLI show
 * them exactly as they show AWS's.
 */
const EXCEPTION_OF_CODE: Readonly<Record<string, string>> = {
  VALIDATION: 'ValidationException',
  USAGE: 'ValidationException',
  PARSE_ERROR: 'ValidationException',
  MALFORMED_JSON: 'ValidationException',
  UNSUPPORTED_MEDIA_TYPE: 'ValidationException',
  BODY_TOO_LARGE: 'ValidationException',
  INVALID_TAGS: 'ValidationException',
  OPERATION_NOT_SUPPORTED: 'ValidationException',
  UNKNOWN_OPERATION: 'UnknownOperationException',
  NOT_FOUND: 'ResourceNotFoundException',
  FORBIDDEN: 'AccessDeniedException',
  SCANNING_DISABLED: 'ConflictException',
  ALREADY_IN_ORGANIZATION: 'ConflictException',
  ACCOUNT_EXISTS: 'ConflictException',
  RESOURCE_EXISTS: 'ConflictException',
  RATE_LIMITED: 'ThrottlingException',
  AWS_AUTH_MISSING: 'MissingAuthenticationTokenException',
  AWS_AUTH_INCOMPLETE: 'IncompleteSignatureException',
  AWS_ACCESS_KEY_UNKNOWN: 'UnrecognizedClientException',
  AWS_SIGNATURE_MISMATCH: 'InvalidSignatureException',
  AWS_SIGNATURE_EXPIRED: 'InvalidSignatureException',
  UNAUTHENTICATED: 'UnrecognizedClientException',
  SESSION_EXPIRED: 'UnrecognizedClientException',
};

const isAuthenticationFailure = (code: string): boolean =>
  code.startsWith('AWS_') || code === 'UNAUTHENTICATED' || code === 'SESSION_EXPIRED';

function exceptionOfStatus(status: number): string {
  if (status === 401 || status === 403) return 'AccessDeniedException';
  if (status === 404) return 'ResourceNotFoundException';
  if (status === 409) return 'ConflictException';
  if (status === 429) return 'ThrottlingException';
  if (status >= 500) return 'InternalServerException';
  return 'ValidationException';
}

/** Inspector's JSON error shape: `{message, …members}` and the name in `x-amzn-ErrorType`. */
export function toAwsError(err: unknown): {
  status: number;
  exception: string;
  body: Record<string, unknown>;
  retryAfterSeconds?: number;
} {
  const { status, body } = toHttp(err);
  const exception = EXCEPTION_OF_CODE[body.code] ?? exceptionOfStatus(status);
  const out: Record<string, unknown> = { message: body.message, code: body.code };
  if (exception === 'ValidationException') {
    out['reason'] = typeof body.details['reason'] === 'string' ? body.details['reason'] : 'OTHER';
    if (Array.isArray(body.details['fields'])) out['fields'] = body.details['fields'];
  }
  if (exception === 'ConflictException') {
    const account = body.details['accountId'];
    const resource = body.details['resourceId'];
    out['resourceId'] = typeof account === 'string' ? account : typeof resource === 'string' ? resource : '';
    out['resourceType'] = typeof account === 'string' ? 'ACCOUNT' : 'RESOURCE';
  }
  const retry = body.details['retryAfterSeconds'];
  return {
    // An expired signature is a 403 at AWS (the status a client acts on), not /v1's 401.
    status: isAuthenticationFailure(body.code) ? 403 : status,
    exception,
    body: out,
    ...(typeof retry === 'number' ? { retryAfterSeconds: retry } : {}),
  };
}

export function sendAwsError(req: FastifyRequest, reply: FastifyReply, err: unknown): FastifyReply {
  const e = toAwsError(err);
  // Counted against the caller's address and audited as /v1's 401s are (rate-limit.ts, audit-hook.ts).
  if (isAuthenticationFailure(toHttp(err).body.code)) req.authenticationRefused = true;
  if (e.status >= 500) req.log.error({ err }, 'inspector2 request failed');
  if (e.retryAfterSeconds !== undefined) reply.header('retry-after', String(e.retryAfterSeconds));
  return reply
    .status(e.status)
    .header('x-amzn-requestid', req.id)
    .header('x-amzn-errortype', e.exception)
    .type('application/json')
    .send(e.body);
}

export const unsupportedOperation = (name: string): HttpError =>
  new HttpError(
    400,
    'OPERATION_NOT_SUPPORTED',
    `vigil does not support the inspector2 operation ${name} (see the README's table of supported operations)`,
    { reason: 'OTHER', operation: name },
  );

export const accessDenied = (why: string): HttpError => new HttpError(403, 'FORBIDDEN', why);
export const notFoundAws = (what: string): HttpError => new HttpError(404, 'NOT_FOUND', `${what} not found`);
export const invalidInput = (message: string, field?: string): HttpError =>
  new HttpError(400, 'VALIDATION', message, {
    reason: 'FIELD_VALIDATION_FAILED',
    ...(field ? { fields: [{ name: field, message }] } : {}),
  });

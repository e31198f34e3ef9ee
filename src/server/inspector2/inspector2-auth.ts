import type { FastifyRequest } from 'fastify';
import { authenticate, type Principal } from '../../accounts/api-keys.js';
import { awsSigningIdentity } from '../../accounts/aws-access-keys.js';
import type { ServiceContext } from '../../jobs/service-context.js';
import { HttpError } from '../http/http-error.js';
import {
  isSigV4,
  parseSigV4Authorization,
  signingDateOf,
  verifySigV4,
  type ReceivedRequest,
} from '../auth/sigv4-verify.js';

/** The region of requests authenticated by a bearer key (they name none). */
export const BEARER_REGION = 'vigil';
const SERVICE = 'inspector2';

export interface AwsCaller {
  principal: Principal;
  region: string;
}

export function receivedRequest(req: FastifyRequest): ReceivedRequest {
  const url = req.raw.url ?? '/';
  const q = url.indexOf('?');
  return {
    method: req.method,
    rawPath: q < 0 ? url : url.slice(0, q),
    rawQuery: q < 0 ? '' : url.slice(q + 1),
    headers: req.headers,
    body: Buffer.isBuffer(req.body) ? req.body : undefined,
  };
}

/**
 * Who is calling the Inspector2-compatible API: an AWS Signature Version 4 made with credentials from
 * `vigil admin create-key --format aws` (the principal of the vigil key they are bound to), or a vigil
 * bearer key as on /v1. Either way the same principal, so the role and account checks are /v1's.
 * Runs once the body is read: the signature covers the body's SHA-256.
 */
export async function authenticateInspector2(req: FastifyRequest, ctx: ServiceContext): Promise<AwsCaller> {
  const authorization = req.headers.authorization;
  const bearer = authorization ? /^Bearer (\S+)$/i.exec(authorization)?.[1] : undefined;
  if (bearer) {
    const principal = await authenticate(ctx.db, bearer);
    if (!principal)
      throw new HttpError(
        403,
        'AWS_ACCESS_KEY_UNKNOWN',
        'The security token included in the request is invalid.',
      );
    return { principal, region: BEARER_REGION };
  }
  if (!authorization || !isSigV4(authorization))
    throw new HttpError(403, 'AWS_AUTH_MISSING', 'Missing Authentication Token');
  const auth = parseSigV4Authorization(authorization);
  if (auth.service !== SERVICE)
    throw new HttpError(
      403,
      'AWS_SIGNATURE_MISMATCH',
      `Credential should be scoped to correct service: '${SERVICE}'.`,
    );
  const received = receivedRequest(req);
  const signingDate = signingDateOf(received, auth, ctx.now());
  const identity = await awsSigningIdentity(ctx.db, ctx.secrets, auth.accessKeyId);
  if (!identity)
    throw new HttpError(
      403,
      'AWS_ACCESS_KEY_UNKNOWN',
      'The security token included in the request is invalid.',
    );
  // The principal is known from here on, so the audit log names the key even when the signature fails.
  req.principal = identity.principal;
  await verifySigV4(received, auth, identity.secretAccessKey, signingDate);
  return { principal: identity.principal, region: auth.region };
}

import type { FastifyInstance, FastifyRequest } from 'fastify';
import cookie from '@fastify/cookie';
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { HttpError } from '../http/http-error.js';
import { isMutatingMethod } from '../../core/request-methods.js';
import type { Principal } from '../../accounts/api-keys.js';
import { CSRF_HEADER, csrfMatches, lookupSession, SESSION_COOKIE } from '../../accounts/console-sessions.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set when the request was authenticated by a console session cookie (not a bearer key). */
    consoleSession?: { token: string; csrfToken: string; expiresAt: string };
  }
}

/** Cookie parsing and setting for the console's sessions; installed before authentication. */
export async function installSessionCookies(app: FastifyInstance): Promise<void> {
  await app.register(cookie);
}

/**
 * The principal of a console session cookie, with the same role and account checks a bearer key gets
 * afterwards (installAuth). An expired session is a 401 SESSION_EXPIRED; a mutating request without
 * the session's CSRF token (X-CSRF-Token) is a 403 CSRF_TOKEN_INVALID, since a browser attaches the
 * cookie to requests other sites make it send. Undefined when there is no cookie or it is unknown.
 */
export async function principalOfCookie(
  req: FastifyRequest,
  db: Kysely<ServiceDatabase>,
  now: Date,
): Promise<Principal | undefined> {
  const token = req.cookies[SESSION_COOKIE];
  if (!token) return undefined;
  const session = await lookupSession(db, token, now);
  if (session.state === 'expired')
    throw new HttpError(401, 'SESSION_EXPIRED', 'the console session has expired: sign in again');
  if (session.state === 'unknown') return undefined;
  const presented = req.headers[CSRF_HEADER];
  if (
    isMutatingMethod(req.method) &&
    !csrfMatches(typeof presented === 'string' ? presented : undefined, session.csrfToken)
  )
    throw new HttpError(
      403,
      'CSRF_TOKEN_INVALID',
      `a request made with a session cookie needs its ${CSRF_HEADER} header`,
    );
  req.consoleSession = { token, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
  return session.principal;
}

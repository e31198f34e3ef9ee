import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { isMutatingMethod } from '../../core/request-methods.js';
import { forbidden, notFound, unauthenticated } from '../http/http-error.js';
import { authenticate, type Principal } from '../../accounts/api-keys.js';
import { isConsoleRequest } from '../http/console-static.js';
import { principalOfCookie } from './session-auth.js';
import { isHostKey } from '../../accounts/host-keys.js';
import { authenticateHost, CHECKIN_ROUTE, ENROLL_ROUTE } from './host-auth.js';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
    /**
     * Set by routes that authenticate themselves when they refuse the caller with another status than
     * 401 (SigV4 failures are AWS's 403s): counted against the address and audited as a 401 would be.
     */
    authenticationRefused?: boolean;
  }
  interface FastifyContextConfig {
    /** The route authenticates its callers itself (the Inspector2-compatible API's SigV4). */
    ownAuthentication?: boolean;
  }
}

/**
 * Routes anyone may call: liveness and readiness, the OpenAPI document (it describes the API, not data; client
 * generators and Swagger UI fetch it without credentials), and the sign-in that trades a key for a
 * session. Everything else needs a key or a session.
 */
const PUBLIC = new Set(['/health', '/ready', '/openapi.json', 'POST /v1/sessions', `POST ${ENROLL_ROUTE}`]);
/** Ending one's own console session changes no data: read-only keys may sign out too. */
const READ_ONLY_ALLOWED = new Set(['DELETE /v1/sessions/current']);

/**
 * Authentication and the role check for EVERY route, in one hook, so a new route cannot forget them:
 * no key → 401; a read-only key on any non-read method → 403; an `:accountId` the key cannot see → 404;
 * a write into an account other than the key's own, by a key that is not an admin → 403.
 */
export function installAuth(
  app: FastifyInstance,
  db: Kysely<ServiceDatabase>,
  now: () => Date = () => new Date(),
): void {
  app.addHook('onRequest', async (req) => {
    const url = req.routeOptions.url ?? '';
    if (PUBLIC.has(url) || PUBLIC.has(`${req.method} ${url}`) || isConsoleRequest(req)) return;
    // Agents check in with their host key, and a host key does nothing else.
    if (url === CHECKIN_ROUTE) return authenticateHost(req, db);
    if (req.routeOptions.config.ownAuthentication === true) return;
    const token = bearerToken(req.headers.authorization);
    if (token && isHostKey(token)) throw forbidden(`a host key can only check in (POST ${CHECKIN_ROUTE})`);
    // A bearer key wins; without one, a console session cookie (which also checks the CSRF token).
    const principal = token ? await authenticate(db, token) : await principalOfCookie(req, db, now());
    if (!principal) throw unauthenticated();
    // Set before the refusals below, so the audit log names the key that was refused.
    req.principal = principal;
    if (
      principal.role === 'read-only' &&
      isMutatingMethod(req.method) &&
      !READ_ONLY_ALLOWED.has(`${req.method} ${url}`)
    )
      throw forbidden('read-only key cannot change anything');
    // Before body validation, so another account's routes answer 404 whatever the body (no probing).
    const accountId = (req.params as Record<string, unknown> | undefined)?.['accountId'];
    if (typeof accountId === 'string') {
      requireAccount(req, accountId);
      if (isMutatingMethod(req.method)) requireWriter(req, accountId);
    }
  });
}

/** The token of `Authorization: Bearer TOKEN`; the scheme is case-insensitive (RFC 7235 §2.1). */
export function bearerToken(header: string | undefined): string | undefined {
  return /^bearer +(\S+)$/i.exec(header ?? '')?.[1];
}

export function principalOf(req: FastifyRequest): Principal {
  if (!req.principal) throw unauthenticated();
  return req.principal;
}

/** 404, not 403, for an account the key cannot see: whether it exists is not the caller's business. */
export function requireAccount(req: FastifyRequest, accountId: string): Principal {
  const p = principalOf(req);
  if (!p.visibleAccountIds.includes(accountId)) throw notFound(`account ${accountId}`);
  return p;
}

/**
 * Writing into an account: every key of the delegated administrator account READS all member accounts
 * (as in Inspector), but only its admin keys write into them; member keys write in their own account.
 */
export function requireWriter(req: FastifyRequest, accountId: string): Principal {
  const p = requireAccount(req, accountId);
  if (p.accountId !== accountId && p.role !== 'admin')
    throw forbidden('only admin keys of the delegated administrator write into member accounts');
  return p;
}

/**
 * Managing an account (keys, rules, webhooks, scan settings) needs an admin key of that account, or of
 * the organization's delegated administrator account. 404 first for an account the key cannot see.
 */
export function requireAdmin(req: FastifyRequest, accountId: string): Principal {
  const p = requireAccount(req, accountId);
  if (p.role !== 'admin')
    throw forbidden('an admin key of the account or of the delegated administrator is needed');
  return p;
}

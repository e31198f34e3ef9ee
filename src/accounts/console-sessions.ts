import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { authenticate, principalOfKeyId, type Principal } from './api-keys.js';

/** The cookie that carries a console session (HttpOnly, SameSite=Strict: set by session-routes.ts). */
export const SESSION_COOKIE = 'vigil_session';
/** The header a cookie-authenticated mutating request must carry (synchronizer token). */
export const CSRF_HEADER = 'x-csrf-token';

const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
const newToken = (): string => randomBytes(32).toString('base64url');

export interface CreatedSession {
  /** The cookie value: returned once, stored as its SHA-256 only. */
  token: string;
  csrfToken: string;
  expiresAt: string;
  principal: Principal;
}

/** Exchanges an API key for a session; undefined when the key is unknown, revoked or malformed. */
export async function createSession(
  db: Kysely<ServiceDatabase>,
  opts: { key: string; now: Date; ttlMs: number },
): Promise<CreatedSession | undefined> {
  const principal = await authenticate(db, opts.key);
  if (!principal) return undefined;
  const token = newToken();
  const csrfToken = newToken();
  const expiresAt = new Date(opts.now.getTime() + opts.ttlMs).toISOString();
  await db
    .insertInto('console_sessions')
    .values({
      token_hash: hashToken(token),
      key_id: principal.keyId,
      csrf_token: csrfToken,
      created_at: opts.now.toISOString(),
      expires_at: expiresAt,
      ended_at: null,
    })
    .execute();
  return { token, csrfToken, expiresAt, principal };
}

export type SessionLookup =
  | { state: 'valid'; principal: Principal; csrfToken: string; expiresAt: string }
  | { state: 'expired' }
  | { state: 'unknown' };

/**
 * The session of a cookie token. Ended sessions, unknown tokens and sessions of revoked keys are all
 * `unknown`; a session past its expiry is `expired` (so the console can say so).
 */
export async function lookupSession(
  db: Kysely<ServiceDatabase>,
  token: string,
  now: Date,
): Promise<SessionLookup> {
  const row = await db
    .selectFrom('console_sessions')
    .innerJoin('api_keys', 'api_keys.id', 'console_sessions.key_id')
    .select(['console_sessions.key_id', 'csrf_token', 'expires_at', 'ended_at', 'api_keys.revoked_at'])
    .where('token_hash', '=', hashToken(token))
    .executeTakeFirst();
  if (!row || row.ended_at !== null || row.revoked_at !== null) return { state: 'unknown' };
  if (row.expires_at <= now.toISOString()) return { state: 'expired' };
  const principal = await principalOfKeyId(db, row.key_id);
  if (!principal) return { state: 'unknown' };
  return { state: 'valid', principal, csrfToken: row.csrf_token, expiresAt: row.expires_at };
}

/** Ends a session (sign-out); true when there was a live one. */
export async function endSession(db: Kysely<ServiceDatabase>, token: string, now: Date): Promise<boolean> {
  const r = await db
    .updateTable('console_sessions')
    .set({ ended_at: now.toISOString() })
    .where('token_hash', '=', hashToken(token))
    .where('ended_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** Removes sessions that ended or expired before `before` (the retention sweep calls it). */
export async function purgeSessions(db: Kysely<ServiceDatabase>, before: Date): Promise<number> {
  const iso = before.toISOString();
  const r = await db
    .deleteFrom('console_sessions')
    .where((eb) => eb.or([eb('expires_at', '<', iso), eb('ended_at', '<', iso)]))
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** Constant-time comparison of the presented CSRF token with the session's. */
export function csrfMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = createHash('sha256').update(presented).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

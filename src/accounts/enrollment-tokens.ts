import { randomBytes, randomUUID } from 'node:crypto';
import type { Kysely, Selectable, Transaction } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import type { EnrollmentTokenTable, ServiceDatabase } from '../store/service-db-schema.js';
import { hashKey } from './api-keys.js';
import { EnrollTokenInvalidError } from './enroll-token-invalid-error.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

export const ENROLLMENT_TOKEN_PREFIX = 've_';
/** Like an SSM hybrid activation: a token lives a day unless asked otherwise. */
export const DEFAULT_TOKEN_LIFETIME_SECONDS = 24 * 3600;
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;
export const MAX_TOKEN_USES = 1_000_000;

/** What a token list shows: never the token, never its hash. */
export interface EnrollmentTokenInfo {
  id: string;
  accountId: string;
  name: string | null;
  prefix: string;
  tags: Record<string, string>;
  expiresAt: string | null;
  maxUses: number | null;
  uses: number;
  createdAt: string;
  revokedAt: string | null;
}

export interface CreatedEnrollmentToken extends EnrollmentTokenInfo {
  /** The whole token: shown once, stored as its SHA-256 only. */
  token: string;
}

function infoOfRow(r: Selectable<EnrollmentTokenTable>): EnrollmentTokenInfo {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    prefix: r.prefix,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    expiresAt: r.expires_at,
    maxUses: r.max_uses,
    uses: r.uses,
    createdAt: r.created_at,
    revokedAt: r.revoked_at,
  };
}

/**
 * Creates a token (256 random bits) for an existing account. The caller checked the tags (the
 * resources' tag limits); the lifetime and use limit are checked here.
 */
export async function createEnrollmentToken(
  db: Db,
  opts: {
    accountId: string;
    tags: Record<string, string>;
    expiresInSeconds?: number;
    maxUses?: number;
    name?: string;
    createdBy?: string;
    now: Date;
  },
): Promise<CreatedEnrollmentToken> {
  const lifetime = opts.expiresInSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS;
  if (!Number.isSafeInteger(lifetime) || lifetime < 60 || lifetime > MAX_TOKEN_LIFETIME_SECONDS)
    throw new ValidationError('expiresIn must be between 60 s and 365 days', { expiresIn: lifetime });
  if (opts.maxUses !== undefined && !(Number.isSafeInteger(opts.maxUses) && opts.maxUses >= 1))
    throw new ValidationError('maxUses must be a positive integer', { maxUses: opts.maxUses });
  if (opts.maxUses !== undefined && opts.maxUses > MAX_TOKEN_USES)
    throw new ValidationError(`maxUses must be at most ${MAX_TOKEN_USES}`, { maxUses: opts.maxUses });
  const token = `${ENROLLMENT_TOKEN_PREFIX}${randomBytes(32).toString('base64url')}`;
  const row: Selectable<EnrollmentTokenTable> = {
    id: randomUUID(),
    account_id: opts.accountId,
    name: opts.name ?? null,
    prefix: token.slice(0, 10),
    secret_hash: hashKey(token),
    tags_json: JSON.stringify(opts.tags),
    expires_at: new Date(opts.now.getTime() + lifetime * 1000).toISOString(),
    max_uses: opts.maxUses ?? null,
    uses: 0,
    created_at: opts.now.toISOString(),
    created_by: opts.createdBy ?? null,
    revoked_at: null,
  };
  await db.insertInto('enrollment_tokens').values(row).execute();
  return { ...infoOfRow(row), token };
}

/** The tokens of one account, revoked and expired ones included, oldest first. */
export async function listEnrollmentTokens(db: Db, accountId: string): Promise<EnrollmentTokenInfo[]> {
  const rows = await db
    .selectFrom('enrollment_tokens')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(infoOfRow);
}

/**
 * Revokes a token of `accountId` (a token id of another account is "not found"); revoking twice keeps
 * the first time. Hosts it enrolled keep their keys. Undefined when there is no such token.
 */
export async function revokeEnrollmentToken(
  db: Db,
  opts: { accountId: string; tokenId: string; now: Date },
): Promise<EnrollmentTokenInfo | undefined> {
  await db
    .updateTable('enrollment_tokens')
    .set({ revoked_at: opts.now.toISOString() })
    .where('id', '=', opts.tokenId)
    .where('account_id', '=', opts.accountId)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await db
    .selectFrom('enrollment_tokens')
    .selectAll()
    .where('id', '=', opts.tokenId)
    .where('account_id', '=', opts.accountId)
    .executeTakeFirst();
  return row && infoOfRow(row);
}

export interface ConsumedToken {
  id: string;
  accountId: string;
  tags: Record<string, string>;
}

/**
 * Counts one use of a token, in the caller's transaction, or throws ENROLL_TOKEN_INVALID. The whole
 * test is the UPDATE's WHERE (live, not expired, `uses < max_uses`), so two enrollments racing for the
 * last use cannot both win: SQLite runs one writer at a time, and PostgreSQL makes the second UPDATE
 * wait for the first's row lock and then re-check the WHERE against the committed row.
 */
export async function consumeEnrollmentToken(
  trx: Transaction<ServiceDatabase>,
  token: string,
  now: Date,
): Promise<ConsumedToken> {
  if (!token.startsWith(ENROLLMENT_TOKEN_PREFIX)) throw new EnrollTokenInvalidError();
  const hash = hashKey(token);
  const at = now.toISOString();
  const r = await trx
    .updateTable('enrollment_tokens')
    .set((eb) => ({ uses: eb('uses', '+', 1) }))
    .where('secret_hash', '=', hash)
    .where('revoked_at', 'is', null)
    .where((eb) => eb.or([eb('expires_at', 'is', null), eb('expires_at', '>', at)]))
    .where((eb) => eb.or([eb('max_uses', 'is', null), eb('uses', '<', eb.ref('max_uses'))]))
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) throw new EnrollTokenInvalidError();
  const row = await trx
    .selectFrom('enrollment_tokens')
    .select(['id', 'account_id', 'tags_json'])
    .where('secret_hash', '=', hash)
    .executeTakeFirstOrThrow();
  return {
    id: row.id,
    accountId: row.account_id,
    tags: JSON.parse(row.tags_json) as Record<string, string>,
  };
}

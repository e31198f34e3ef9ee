import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeyRole, ServiceDatabase } from '../store/service-db-schema.js';

export const KEY_PREFIX = 'vk_';

export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface CreatedKey {
  id: string;
  /** The whole key: shown once, never stored (only its SHA-256 is). */
  key: string;
  prefix: string;
  role: ApiKeyRole;
  accountId: string;
  name: string | null;
  createdAt: string;
}

/** Creates a random key (256 bits) for an account; the account must exist (foreign key). */
export async function createApiKey(
  db: Kysely<ServiceDatabase>,
  opts: { accountId: string; role: ApiKeyRole; name?: string; now?: Date },
): Promise<CreatedKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  const createdAt = (opts.now ?? new Date()).toISOString();
  const name = opts.name ?? null;
  await db
    .insertInto('api_keys')
    .values({
      id,
      prefix,
      secret_hash: hashKey(key),
      role: opts.role,
      account_id: opts.accountId,
      created_at: createdAt,
      last_used_at: null,
      revoked_at: null,
      name,
    })
    .execute();
  return { id, key, prefix, role: opts.role, accountId: opts.accountId, name, createdAt };
}

/** What a key list shows: never the hash, never the key. */
export interface ApiKeyInfo {
  id: string;
  accountId: string;
  prefix: string;
  role: ApiKeyRole;
  name: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

const INFO_COLUMNS = [
  'id',
  'account_id',
  'prefix',
  'role',
  'name',
  'created_at',
  'last_used_at',
  'revoked_at',
] as const;

function infoOfRow(r: {
  id: string;
  account_id: string;
  prefix: string;
  role: ApiKeyRole;
  name: string | null;
  created_at: string;
  last_used_at: string | null;
  revoked_at: string | null;
}): ApiKeyInfo {
  return {
    id: r.id,
    accountId: r.account_id,
    prefix: r.prefix,
    role: r.role,
    name: r.name,
    createdAt: r.created_at,
    lastUsedAt: r.last_used_at,
    revokedAt: r.revoked_at,
  };
}

/** The keys of one account, revoked ones included (revokedAt says so), oldest first. */
export async function listApiKeys(db: Kysely<ServiceDatabase>, accountId: string): Promise<ApiKeyInfo[]> {
  const rows = await db
    .selectFrom('api_keys')
    .select(INFO_COLUMNS)
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(infoOfRow);
}

/**
 * Revokes a key of `accountId` (the account is part of the lookup, so a key id of another account is
 * "not found"); revoking twice keeps the first revocation time. Undefined when there is no such key.
 */
export async function revokeApiKey(
  db: Kysely<ServiceDatabase>,
  opts: { accountId: string; keyId: string; now: Date },
): Promise<ApiKeyInfo | undefined> {
  await db
    .updateTable('api_keys')
    .set({ revoked_at: opts.now.toISOString() })
    .where('id', '=', opts.keyId)
    .where('account_id', '=', opts.accountId)
    .where('revoked_at', 'is', null)
    .execute();
  const row = await db
    .selectFrom('api_keys')
    .select(INFO_COLUMNS)
    .where('id', '=', opts.keyId)
    .where('account_id', '=', opts.accountId)
    .executeTakeFirst();
  return row && infoOfRow(row);
}

export interface Principal {
  keyId: string;
  role: ApiKeyRole;
  accountId: string;
  /** Accounts this key may see: its own, plus every member account when its account is the delegated admin. */
  visibleAccountIds: string[];
}

const LAST_USED_RESOLUTION_MS = 60_000;

/** The principal of a presented key, or undefined (unknown, revoked or malformed: all look the same). */
export async function authenticate(db: Kysely<ServiceDatabase>, key: string): Promise<Principal | undefined> {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'account_id', 'last_used_at'])
    .where('secret_hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  const now = new Date();
  // Every request authenticates: a write per request would serialize reads behind SQLite's one
  // writer, so lastUsedAt is refreshed at most once a minute per key.
  if (!row.last_used_at || now.getTime() - Date.parse(row.last_used_at) >= LAST_USED_RESOLUTION_MS) {
    await db
      .updateTable('api_keys')
      .set({ last_used_at: now.toISOString() })
      .where('id', '=', row.id)
      .execute();
  }
  return {
    keyId: row.id,
    role: row.role,
    accountId: row.account_id,
    visibleAccountIds: await visibleAccounts(db, row.account_id),
  };
}

/** The principal of a live (not revoked) key by its id: what a console session acts as. */
export async function principalOfKeyId(
  db: Kysely<ServiceDatabase>,
  keyId: string,
): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'account_id'])
    .where('id', '=', keyId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  return {
    keyId: row.id,
    role: row.role,
    accountId: row.account_id,
    visibleAccountIds: await visibleAccounts(db, row.account_id),
  };
}

async function visibleAccounts(db: Kysely<ServiceDatabase>, accountId: string): Promise<string[]> {
  const org = await db
    .selectFrom('organizations')
    .select('id')
    .where('delegated_admin_account_id', '=', accountId)
    .executeTakeFirst();
  if (!org) return [accountId];
  const members = await db
    .selectFrom('accounts')
    .select('id')
    .where('organization_id', '=', org.id)
    .execute();
  return [...new Set([accountId, ...members.map((m) => m.id)])];
}

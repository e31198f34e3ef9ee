import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ApiKeyRole, ServiceDatabase } from '../storage/service-db-schema.js';

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
}

/** Creates a random key (256 bits) for an account; the account must exist (foreign key). */
export async function createApiKey(
  db: Kysely<ServiceDatabase>,
  opts: { accountId: string; role: ApiKeyRole; now?: Date },
): Promise<CreatedKey> {
  const key = `${KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  const prefix = key.slice(0, 10);
  await db
    .insertInto('api_keys')
    .values({
      id,
      prefix,
      secret_hash: hashKey(key),
      role: opts.role,
      account_id: opts.accountId,
      created_at: (opts.now ?? new Date()).toISOString(),
      last_used_at: null,
      revoked_at: null,
    })
    .execute();
  return { id, key, prefix, role: opts.role, accountId: opts.accountId };
}

export interface Principal {
  keyId: string;
  role: ApiKeyRole;
  accountId: string;
  /** Accounts this key may see: its own, plus every member account when its account is the delegated admin. */
  visibleAccountIds: string[];
}

/** The principal of a presented key, or undefined (unknown, revoked or malformed: all look the same). */
export async function authenticate(db: Kysely<ServiceDatabase>, key: string): Promise<Principal | undefined> {
  if (!key.startsWith(KEY_PREFIX)) return undefined;
  const row = await db
    .selectFrom('api_keys')
    .select(['id', 'role', 'account_id'])
    .where('secret_hash', '=', hashKey(key))
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  if (!row) return undefined;
  await db
    .updateTable('api_keys')
    .set({ last_used_at: new Date().toISOString() })
    .where('id', '=', row.id)
    .execute();
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

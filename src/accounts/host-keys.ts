import { randomBytes, randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { hashKey } from './api-keys.js';

export const HOST_KEY_PREFIX = 'vh_';

export function isHostKey(presented: string): boolean {
  return presented.startsWith(HOST_KEY_PREFIX);
}

/**
 * A new key for one enrolled host (256 random bits, stored as SHA-256 only), bound to its account and
 * resource: it can only check in for that host. Returns the key, shown to the agent once.
 */
export async function createHostKey(
  trx: Transaction<ServiceDatabase>,
  opts: { accountId: string; resourceId: string; enrollmentTokenId: string | null; now: Date },
): Promise<{ id: string; key: string }> {
  const key = `${HOST_KEY_PREFIX}${randomBytes(32).toString('base64url')}`;
  const id = randomUUID();
  await trx
    .insertInto('host_keys')
    .values({
      id,
      account_id: opts.accountId,
      resource_id: opts.resourceId,
      prefix: key.slice(0, 10),
      secret_hash: hashKey(key),
      enrollment_token_id: opts.enrollmentTokenId,
      created_at: opts.now.toISOString(),
      revoked_at: null,
    })
    .execute();
  return { id, key };
}

/** Revokes every live key of a host (re-enrollment, deregistration); returns how many. */
export async function revokeHostKeys(
  trx: Transaction<ServiceDatabase>,
  opts: { accountId: string; resourceId: string; now: Date },
): Promise<number> {
  const r = await trx
    .updateTable('host_keys')
    .set({ revoked_at: opts.now.toISOString() })
    .where('account_id', '=', opts.accountId)
    .where('resource_id', '=', opts.resourceId)
    .where('revoked_at', 'is', null)
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

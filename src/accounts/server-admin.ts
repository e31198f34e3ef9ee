import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { Principal } from './api-keys.js';

/**
 * Whether a key may change what the whole server shares (its vulnerability DB): an admin key of an
 * account that answers to no one else — the delegated administrator of its organization, or an
 * account in no organization. An admin of a member account administers that account only, as in
 * Inspector, where member accounts cannot change the organization's configuration.
 */
export async function isServerAdmin(db: Kysely<ServiceDatabase>, p: Principal): Promise<boolean> {
  if (p.role !== 'admin') return false;
  const row = await db
    .selectFrom('accounts')
    .leftJoin('organizations', 'organizations.id', 'accounts.organization_id')
    .select(['accounts.organization_id as orgId', 'organizations.delegated_admin_account_id as adminId'])
    .where('accounts.id', '=', p.accountId)
    .executeTakeFirst();
  if (!row) return false;
  if (row.orgId === null) return true;
  return row.adminId === p.accountId;
}

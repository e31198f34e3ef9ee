import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

/**
 * Whose events a subscription of an account receives: its own; the organization's delegated
 * administrator account also every member account's (what its admin keys can see). Read once per
 * dispatcher run, so a member joining or leaving takes effect from the next run.
 */
export async function loadEventScopes(
  db: Kysely<ServiceDatabase>,
): Promise<(accountId: string) => ReadonlySet<string>> {
  const rows = await db
    .selectFrom('organizations')
    .innerJoin('accounts', 'accounts.organization_id', 'organizations.id')
    .select(['organizations.delegated_admin_account_id as admin', 'accounts.id as member'])
    .where('organizations.delegated_admin_account_id', 'is not', null)
    .execute();
  const byAdmin = new Map<string, Set<string>>();
  for (const r of rows) {
    if (r.admin === null) continue;
    const set = byAdmin.get(r.admin) ?? new Set([r.admin]);
    set.add(r.member);
    byAdmin.set(r.admin, set);
  }
  return (accountId) => byAdmin.get(accountId) ?? new Set([accountId]);
}

import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { OrganizationTable, ServiceDatabase } from '../store/service-db-schema.js';
import { AccountConflictError } from './account-conflict-error.js';
import { accountOfRow, type AccountView } from './account-views.js';

export interface OrganizationView {
  id: string;
  name: string;
  delegatedAdminAccountId: string | null;
  createdAt: string;
  /** Member accounts the caller may see (all of them for the delegated admin, else its own). */
  accounts: Array<{ id: string; name: string }>;
}

export type OrganizationRow = Selectable<OrganizationTable>;

export async function findOrganization(
  db: Kysely<ServiceDatabase>,
  id: string,
): Promise<OrganizationRow | undefined> {
  return db.selectFrom('organizations').selectAll().where('id', '=', id).executeTakeFirst();
}

/** Whether `accountId` belongs to the organization (as a member or as its delegated administrator). */
export async function belongsTo(
  db: Kysely<ServiceDatabase>,
  org: OrganizationRow,
  accountId: string,
): Promise<boolean> {
  if (org.delegated_admin_account_id === accountId) return true;
  const row = await db
    .selectFrom('accounts')
    .select('id')
    .where('id', '=', accountId)
    .where('organization_id', '=', org.id)
    .executeTakeFirst();
  return row !== undefined;
}

export async function organizationView(
  db: Kysely<ServiceDatabase>,
  org: OrganizationRow,
  visibleAccountIds: readonly string[],
): Promise<OrganizationView> {
  const members = await db
    .selectFrom('accounts')
    .select(['id', 'name'])
    .where('organization_id', '=', org.id)
    .orderBy('id')
    .execute();
  return {
    id: org.id,
    name: org.name,
    delegatedAdminAccountId: org.delegated_admin_account_id,
    createdAt: org.created_at,
    // Another member's id is not this caller's business: list only what its key may see anyway.
    accounts: members.filter((m) => visibleAccountIds.includes(m.id)),
  };
}

/**
 * Creates an organization whose delegated administrator (and first member) is `accountId`. An account
 * belongs to at most one organization: one already in one, or already delegated admin, gets 409.
 */
export async function createOrganization(
  db: Kysely<ServiceDatabase>,
  opts: { accountId: string; name: string; now: Date },
): Promise<OrganizationRow> {
  const org: OrganizationRow = {
    id: `org-${randomUUID()}`,
    name: opts.name,
    delegated_admin_account_id: opts.accountId,
    created_at: opts.now.toISOString(),
  };
  return db.transaction().execute(async (trx) => {
    const admins = await trx
      .selectFrom('organizations')
      .select('id')
      .where('delegated_admin_account_id', '=', opts.accountId)
      .executeTakeFirst();
    if (admins) throw alreadyInOrganization(opts.accountId, admins.id);
    // The organization row first: accounts.organization_id references it (checked at once on PostgreSQL).
    await trx.insertInto('organizations').values(org).execute();
    // Conditional update, so two concurrent creations cannot both adopt the same account.
    const moved = await trx
      .updateTable('accounts')
      .set({ organization_id: org.id })
      .where('id', '=', opts.accountId)
      .where('organization_id', 'is', null)
      .executeTakeFirst();
    if (moved.numUpdatedRows === 0n) {
      const acct = await trx
        .selectFrom('accounts')
        .select('organization_id')
        .where('id', '=', opts.accountId)
        .executeTakeFirst();
      throw alreadyInOrganization(opts.accountId, acct?.organization_id ?? null);
    }
    return org;
  });
}

function alreadyInOrganization(accountId: string, organizationId: string | null): AccountConflictError {
  return new AccountConflictError(
    'ALREADY_IN_ORGANIZATION',
    `account ${accountId} already belongs to an organization`,
    { accountId, organizationId },
  );
}

/** Creates a member account of the organization, every scan type enabled; 409 if the id is taken. */
export async function createMemberAccount(
  db: Kysely<ServiceDatabase>,
  opts: { organizationId: string; id?: string; name: string; now: Date },
): Promise<AccountView> {
  const row = {
    id: opts.id ?? `acct-${randomUUID()}`,
    name: opts.name,
    organization_id: opts.organizationId,
    host_scanning: 1,
    image_scanning: 1,
    network_scanning: 1,
    created_at: opts.now.toISOString(),
  };
  // ON CONFLICT DO NOTHING rather than catching the driver's error: the same on SQLite and PostgreSQL.
  const res = await db
    .insertInto('accounts')
    .values(row)
    .onConflict((oc) => oc.column('id').doNothing())
    .executeTakeFirst();
  if (!res.numInsertedOrUpdatedRows)
    throw new AccountConflictError('ACCOUNT_EXISTS', `account ${row.id} already exists`, {
      accountId: row.id,
    });
  return accountOfRow(row);
}

/**
 * The account a CLI-made key or token is for, created outside any organization if it is new (the first
 * key of a fresh server makes its account); an existing account is left as it is.
 */
export async function ensureStandaloneAccount(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  now: Date,
): Promise<void> {
  await db
    .insertInto('accounts')
    .values({
      id: accountId,
      name: accountId,
      organization_id: null,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: now.toISOString(),
    })
    .onConflict((oc) => oc.column('id').doNothing())
    .execute();
}

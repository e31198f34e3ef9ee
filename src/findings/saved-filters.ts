import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { SavedFilterTable, ServiceDatabase } from '../store/service-db-schema.js';
import type { FilterCriteria } from './filter-criteria.js';

/**
 * A saved filter: a named FilterCriteria of an account that changes no finding (Inspector's filter
 * with action NONE). Suppressing filters are suppression rules (suppression/suppression-rules.ts).
 */
export interface SavedFilter {
  id: string;
  accountId: string;
  name: string;
  reason?: string;
  filter: FilterCriteria;
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
}

export interface SavedFilterPatch {
  name?: string;
  reason?: string;
  filter?: FilterCriteria;
}

type Db = Kysely<ServiceDatabase>;

function savedFilterOfRow(r: Selectable<SavedFilterTable>): SavedFilter {
  return {
    id: r.id,
    accountId: r.account_id,
    name: r.name,
    ...(r.reason !== null ? { reason: r.reason } : {}),
    filter: JSON.parse(r.filter_json) as FilterCriteria,
    ...(r.created_by !== null ? { createdBy: r.created_by } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export async function createSavedFilter(
  db: Db,
  opts: {
    accountId: string;
    name: string;
    reason?: string;
    filter: FilterCriteria;
    keyId: string;
    now: Date;
  },
): Promise<SavedFilter> {
  const iso = opts.now.toISOString();
  const row = {
    id: randomUUID(),
    account_id: opts.accountId,
    name: opts.name,
    reason: opts.reason ?? null,
    filter_json: JSON.stringify(opts.filter),
    created_by: opts.keyId,
    created_at: iso,
    updated_at: iso,
  };
  await db.insertInto('saved_filters').values(row).execute();
  return savedFilterOfRow(row);
}

/** The saved filters of the accounts, oldest first (id breaks ties). */
export async function listSavedFilters(db: Db, accountIds: readonly string[]): Promise<SavedFilter[]> {
  if (accountIds.length === 0) return [];
  const rows = await db
    .selectFrom('saved_filters')
    .selectAll()
    .where('account_id', 'in', accountIds)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(savedFilterOfRow);
}

export async function getSavedFilter(
  db: Db,
  accountId: string,
  id: string,
): Promise<SavedFilter | undefined> {
  const row = await db
    .selectFrom('saved_filters')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return row && savedFilterOfRow(row);
}

/** Absent fields stay; undefined when the account has no such filter. */
export async function updateSavedFilter(
  db: Db,
  opts: { accountId: string; id: string; patch: SavedFilterPatch; now: Date },
): Promise<SavedFilter | undefined> {
  const { name, reason, filter } = opts.patch;
  const res = await db
    .updateTable('saved_filters')
    .set({
      ...(name !== undefined ? { name } : {}),
      ...(reason !== undefined ? { reason } : {}),
      ...(filter !== undefined ? { filter_json: JSON.stringify(filter) } : {}),
      updated_at: opts.now.toISOString(),
    })
    .where('account_id', '=', opts.accountId)
    .where('id', '=', opts.id)
    .executeTakeFirst();
  return res.numUpdatedRows === 0n ? undefined : getSavedFilter(db, opts.accountId, opts.id);
}

/** True when the filter existed (and is gone now). */
export async function deleteSavedFilter(db: Db, accountId: string, id: string): Promise<boolean> {
  const res = await db
    .deleteFrom('saved_filters')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return res.numDeletedRows > 0n;
}

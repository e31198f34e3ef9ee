import type { Kysely, Transaction } from 'kysely';
import type { OsInfo } from '../core/os-info.js';
import type { Package } from '../core/package.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import {
  INVENTORY_INDEX_VERSION,
  prepareInventoryIndex,
  writeInventoryIndex,
  type ResourceRef,
} from './inventory-index.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/** Stored inventories not indexed by the current index writer (stored before it, or by an older one). */
export async function staleIndexes(db: Db, limit: number): Promise<ResourceRef[]> {
  const out: ResourceRef[] = [];
  for (const q of staleIndexesQueries(db)) {
    if (out.length >= limit) break;
    const rows = await q.limit(limit - out.length).execute();
    out.push(...rows.map((r) => ({ accountId: r.account_id, resourceId: r.resource_id })));
  }
  return out;
}

/**
 * staleIndexes' queries, one range of inventories_index_version (m0035) each: unindexed, older, newer.
 * One query with their OR, or with `<>`, had both planners walk every inventory in key order.
 */
export function staleIndexesQueries(db: Db) {
  const base = db.selectFrom('inventories').select(['account_id', 'resource_id']);
  return [
    base.where('index_version', 'is', null),
    base.where('index_version', '<', INVENTORY_INDEX_VERSION),
    base.where('index_version', '>', INVENTORY_INDEX_VERSION),
  ];
}

/** Indexes one stored inventory again from its JSON (the backfill); false when it is gone. */
export async function reindexInventory(db: Kysely<ServiceDatabase>, ref: ResourceRef): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('inventories')
      .select('inventory_json')
      .where('account_id', '=', ref.accountId)
      .where('resource_id', '=', ref.resourceId)
      .executeTakeFirst();
    if (!row) return false;
    const inv = JSON.parse(row.inventory_json) as { packages?: Package[]; os?: OsInfo };
    await writeInventoryIndex(
      trx,
      ref,
      prepareInventoryIndex({ packages: inv.packages ?? [], ...(inv.os ? { os: inv.os } : {}) }),
    );
    return true;
  });
}

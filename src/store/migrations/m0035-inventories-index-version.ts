import type { Kysely, Migration } from 'kysely';

/**
 * An index on inventories' index_version, so that the re-match's check for inventories indexed by an
 * older writer (inventory-index-backfill.ts staleIndexes, once per re-match: usually none) reads nothing.
 * Without it the check read every stored inventory's row, about a page each with the start of its JSON:
 * 20–30 ms of each one-advisory re-match at 10,000 hosts, 0.7 s on a cold cache (issue 12).
 */
export function m0035InventoriesIndexVersion(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createIndex('inventories_index_version')
        .on('inventories')
        .columns(['index_version', 'account_id', 'resource_id'])
        .execute();
    },
  };
}

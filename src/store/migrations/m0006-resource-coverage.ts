import { sql, type Kysely, type Migration } from 'kysely';

/**
 * A resource's package-scan coverage as Inspector words it (status ACTIVE | INACTIVE and a reason),
 * kept on the resource so it can be shown without replaying coverage events: an empty inventory
 * leaves its findings open and the resource NO_INVENTORY until a non-empty one arrives. Existing rows
 * get what the events said: RESOURCE_TERMINATED when deleted, SUCCESSFUL once an inventory is
 * stored, else PENDING_INITIAL_SCAN.
 */
export function m0006ResourceCoverage(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('resources').addColumn('coverage_status', 'text').execute();
      await db.schema.alterTable('resources').addColumn('coverage_reason', 'text').execute();
      await sql`
        UPDATE resources SET
          coverage_status = CASE WHEN deleted_at IS NOT NULL THEN 'INACTIVE' ELSE 'ACTIVE' END,
          coverage_reason = CASE
            WHEN deleted_at IS NOT NULL THEN 'RESOURCE_TERMINATED'
            WHEN EXISTS (SELECT 1 FROM inventories i
                         WHERE i.account_id = resources.account_id AND i.resource_id = resources.id)
              THEN 'SUCCESSFUL'
            ELSE 'PENDING_INITIAL_SCAN'
          END`.execute(db);
    },
  };
}

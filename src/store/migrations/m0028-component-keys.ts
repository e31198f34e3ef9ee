import { sql, type Kysely, type Migration } from 'kysely';

/**
 * inventories.component_keys_json: each stored inventory's lookup components and their keys
 * (resources/component-key.ts), written with its index. A full re-match reads this one short list per
 * host instead of its few hundred index rows; the rows are read only for a component the run has not
 * matched yet. NULL (inventories indexed before): the re-match reads their rows, as before.
 *
 * The table is rebuilt, as m0012 did, so the new column sits before the ~200 KB inventory JSON: a
 * column added at the end is read, on SQLite, by walking the JSON's overflow pages first (measured:
 * 5× the CPU and 10× the wall of reading the targets of a full re-match).
 */
export function m0028ComponentKeys(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('inventories_m0028')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('os_json', 'text')
        .addColumn('index_version', 'integer')
        .addColumn('findings_digest', 'text')
        .addColumn('component_keys_json', 'text')
        .addColumn('inventory_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inventories_m0028_pk', ['account_id', 'resource_id'])
        .execute();
      await sql`insert into inventories_m0028
        (account_id, resource_id, updated_at, os_json, index_version, findings_digest, inventory_json)
        select account_id, resource_id, updated_at, os_json, index_version, findings_digest, inventory_json
        from inventories`.execute(db);
      await db.schema.dropTable('inventories').execute();
      await db.schema.alterTable('inventories_m0028').renameTo('inventories').execute();
    },
  };
}

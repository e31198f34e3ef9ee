import { sql, type Kysely, type Migration } from 'kysely';

/**
 * inventory_packages_key (m0009: ecosystem key, name) becomes covering: it also holds the resource and
 * every column a re-match by keys reads of a row except the packages' JSON (issue 12, one advisory on
 * 10,000 hosts).
 *
 * With only (ecosystem key, name), finding the hosts that hold a package read each matching row from the
 * table: one random page per host, among 4 million rows. Measured at 10,000 hosts, where the service DB
 * (41 GB) no longer fits in memory: 0.9–1.0 s for that one query, and 0.2–0.9 s more for the component
 * rows that followed, of a 3.4–4.5 s advisory. Now both are read from the index alone, in key order,
 * and a component's packages only for the components the re-match's memo has not built yet (one per
 * distinct version, not one per host).
 * PostgreSQL keeps the key narrow and carries the rest in INCLUDE; SQLite has no INCLUDE.
 */
const KEY = ['ecosystem_key', 'package_name', 'account_id', 'resource_id'] as const;
const CARRIED = [
  'component',
  'component_rows',
  'version',
  'package_key',
  'positions_json',
  'packages_digest',
] as const;

export function m0034InventoryPackagesCovering(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropIndex('inventory_packages_key').execute();
      if (dialect === 'postgres')
        await sql`create index inventory_packages_key on inventory_packages
          (${sql.join(KEY.map((c) => sql.ref(c)))}) include (${sql.join(CARRIED.map((c) => sql.ref(c)))})`.execute(
          db,
        );
      else
        await db.schema
          .createIndex('inventory_packages_key')
          .on('inventory_packages')
          .columns([...KEY, ...CARRIED])
          .execute();
    },
  };
}

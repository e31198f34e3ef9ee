import { sql, type Kysely, type Migration } from 'kysely';

/**
 * What lets a re-match of 10,000 stored inventories read only what it needs (issue 12's speed):
 * - inventories rebuilt with inventory_json last. A re-match reads, of every inventory it selects,
 *   only when it was stored, the OS it was matched for and the index writer's version; on SQLite those
 *   sat after the ~200 KB inventory_json in the row, so each read walked the JSON's whole overflow
 *   chain: a full re-match of 10,000 hosts read 2 GB it never used, and so did the stale-index check
 *   that starts every run. After the rebuild they are on the row's first page. (PostgreSQL keeps a
 *   big value out of line anyway; the same DDL is harmless there.)
 * - inventories.findings_digest: a digest of the open package findings a full re-match left on the
 *   resource, cleared by every other write of its findings: a full re-match whose result has the same
 *   digest skips the resource without reading its findings.
 * - inventory_packages.packages_digest: a digest of each row's packages_json, so a full re-match reads
 *   the rows without their JSON (half its reading) and fetches the JSON only for components it has not
 *   matched yet in the run. Filled by the index writer; rows indexed before are indexed again (the
 *   index writer's version is bumped to 2), once, by the first re-match after the upgrade.
 * - findings_digest_missing: the package findings still without a package key (stored before 0009),
 *   which every re-match run looks for first; without it that look-up scanned every finding.
 * Portable DDL (SQLite and PostgreSQL both take partial indexes).
 */
export function m0012RematchScale(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('inventories_m0012')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('os_json', 'text')
        .addColumn('index_version', 'integer')
        .addColumn('findings_digest', 'text')
        .addColumn('inventory_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inventories_m0012_pk', ['account_id', 'resource_id'])
        .execute();
      await sql`insert into inventories_m0012
        (account_id, resource_id, updated_at, os_json, index_version, inventory_json)
        select account_id, resource_id, updated_at, os_json, index_version, inventory_json
        from inventories`.execute(db);
      await db.schema.dropTable('inventories').execute();
      await db.schema.alterTable('inventories_m0012').renameTo('inventories').execute();
      await db.schema.alterTable('inventory_packages').addColumn('packages_digest', 'text').execute();
      await db.schema
        .createIndex('findings_digest_missing')
        .on('findings')
        .column('id')
        .where(sql.ref('package_key'), 'is', null)
        .where(sql.ref('type'), '=', sql.lit('PACKAGE_VULNERABILITY'))
        .execute();
    },
  };
}

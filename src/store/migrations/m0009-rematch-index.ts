import type { Kysely, Migration } from 'kysely';

/**
 * What re-matching stored inventories needs (issue 12, src/scan/rematch-run.ts):
 * - inventory_packages: the index of every stored inventory, one row per (ecosystem key, name,
 *   version) the matchers read the vulnerability DB by (`Debian:12` + source package, `PyPI` + PEP 503
 *   name, …), with the component it belongs to and the packages looked up by it: a change set's keys
 *   find the inventories to re-match in one indexed query, and the rows hold what to re-match them with.
 *   Written in the same transaction as the inventory (resources/inventory-index.ts).
 * - inventories.os_json and index_version: the OS the packages were matched for, and which version of
 *   the index writer indexed it (NULL: not yet; a re-match first indexes inventories stored before).
 * - findings.package_key and match_digest: the package key a finding's matches were grouped by and a
 *   digest of what a scan decides about it, so a re-match compares thousands of findings without
 *   reading their JSON; covered by one index, read index-only.
 * - rematch_state: per vulnerability DB (its identity), the last import-log seq re-matched.
 * Portable DDL (SQLite and PostgreSQL).
 */
export function m0009RematchIndex(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('inventory_packages')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('ecosystem_key', 'text', (c) => c.notNull())
        .addColumn('package_name', 'text', (c) => c.notNull())
        .addColumn('version', 'text', (c) => c.notNull())
        .addColumn('package_key', 'text', (c) => c.notNull())
        .addColumn('component', 'text', (c) => c.notNull())
        .addColumn('component_rows', 'integer', (c) => c.notNull())
        .addColumn('packages_json', 'text', (c) => c.notNull())
        .addColumn('positions_json', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inventory_packages_pk', [
          'account_id',
          'resource_id',
          'ecosystem_key',
          'package_name',
          'version',
        ])
        .execute();
      await db.schema
        .createIndex('inventory_packages_key')
        .on('inventory_packages')
        .columns(['ecosystem_key', 'package_name'])
        .execute();
      await db.schema
        .createIndex('inventory_packages_component')
        .on('inventory_packages')
        .columns(['account_id', 'resource_id', 'component'])
        .execute();
      await db.schema.alterTable('inventories').addColumn('os_json', 'text').execute();
      await db.schema.alterTable('inventories').addColumn('index_version', 'integer').execute();
      await db.schema.alterTable('findings').addColumn('package_key', 'text').execute();
      await db.schema.alterTable('findings').addColumn('match_digest', 'text').execute();
      await db.schema
        .createIndex('findings_rematch')
        .on('findings')
        .columns(['account_id', 'resource_id', 'package_key', 'vulnerability_id', 'status', 'match_digest'])
        .execute();
      await db.schema
        .createTable('rematch_state')
        .addColumn('vulndb_id', 'text', (c) => c.primaryKey())
        .addColumn('last_seq', 'integer', (c) => c.notNull())
        .addColumn('last_run_json', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

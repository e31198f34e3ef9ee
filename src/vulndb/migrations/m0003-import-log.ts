import { randomUUID } from 'node:crypto';
import type { Kysely, Migration } from 'kysely';

/**
 * The import log (src/vulndb/import-log.ts): one row per committed import with its change set, in
 * commit order, so a server sharing the DB file learns of imports it did not run; and the DB's
 * identity (`meta.db_id`), so a server can tell its `--db` was swapped for another file.
 */
export const m0003ImportLog: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable('import_log')
      .addColumn('seq', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('feeds', 'text', (c) => c.notNull())
      .addColumn('finished_at', 'text', (c) => c.notNull())
      .addColumn('change_set_json', 'text')
      .execute();
    await (db as Kysely<{ meta: { key: string; value: string } }>)
      .insertInto('meta')
      .values({ key: 'db_id', value: randomUUID() })
      .onConflict((oc) => oc.column('key').doNothing())
      .execute();
  },
};

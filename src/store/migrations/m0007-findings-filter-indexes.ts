import { sql, type Kysely, type Migration } from 'kysely';

/** The string filters whose PREFIX an index serves (src/findings/filter-criteria-sql.ts prefixByRange). */
const PREFIX_COLUMNS = ['package_name', 'vulnerability_id', 'resource_id', 'repository_name'] as const;

/**
 * PREFIX filters as byte ranges served by an index (README "Service benchmark"). The SQL face compares
 * `col COLLATE "binary"`: SQLite's built-in BINARY collation, which its plain column indexes use; on
 * PostgreSQL this migration creates a collation of that name, a copy of "C" (byte order, whatever
 * the database's default collation is), and an index per column under it — an index in the default
 * collation cannot serve a "C" comparison. SQLite gets the one index it lacked (repository_name);
 * resource_id is served by findings_identity (account_id, resource_id, …) there.
 */
export function m0007FindingsFilterIndexes(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await sql`create collation if not exists "binary" from "C"`.execute(db);
        for (const col of PREFIX_COLUMNS) {
          await db.schema
            .createIndex(`findings_${col}_binary`)
            .on('findings')
            .expression(sql`${sql.ref(col)} collate "binary"`)
            .execute();
        }
      } else {
        await db.schema.createIndex('findings_repository').on('findings').column('repository_name').execute();
      }
    },
  };
}

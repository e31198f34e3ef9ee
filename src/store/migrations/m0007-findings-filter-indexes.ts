import { sql, type Kysely, type Migration } from 'kysely';

/** The string filters whose PREFIX an index serves (src/findings/filter-criteria-sql.ts prefixByRange). */
const PREFIX_COLUMNS = ['package_name', 'vulnerability_id', 'resource_id', 'repository_name'] as const;

/** SQLite: the one-column indexes of 0001 the covering ones below replace (same leading column). */
const SQLITE_REPLACED = ['findings_package', 'findings_vulnerability'] as const;

/**
 * PREFIX filters as byte ranges served by an index (README "Service benchmark"). The SQL face compares
 * `col COLLATE "binary"`: SQLite's built-in BINARY collation, the one its plain indexes use; on
 * PostgreSQL a collation of that name that this migration creates, a copy of "C" (byte order whatever
 * the database's default collation is), since an index in the default collation cannot serve it.
 * Each index is `(col, account_id, id)`: the list query's visibility filter and sort key ride along,
 * so a range of a few thousand rows is read from the index alone, then sorted, without a table lookup
 * per row (on SQLite over a million findings that lookup was 100–300 ms for a 3-letter prefix).
 */
export function m0007FindingsFilterIndexes(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') await sql`create collation if not exists "binary" from "C"`.execute(db);
      for (const col of PREFIX_COLUMNS) {
        const key = dialect === 'postgres' ? sql`${sql.ref(col)} collate "binary"` : sql.ref(col);
        await db.schema
          .createIndex(dialect === 'postgres' ? `findings_${col}_binary` : `findings_${col}_key`)
          .on('findings')
          .expression(sql`${key}, account_id, id`)
          .execute();
      }
      if (dialect === 'sqlite') for (const name of SQLITE_REPLACED) await db.schema.dropIndex(name).execute();
    },
  };
}

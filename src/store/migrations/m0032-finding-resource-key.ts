import { sql, type Kysely, type Migration } from 'kysely';

/**
 * One index per resource on findings instead of three (issue 12, one advisory on 10,000 hosts).
 * A finding's entries in findings_identity (0001, unique), findings_rematch (0009) and, on SQLite,
 * findings_resource_id_key (0007) all sort by resource first, so an advisory that adds one finding on
 * each of 5,000 hosts changed 3 × 5,000 index pages, each read, rewritten and logged in the WAL at
 * commit (`npm run bench -- finding-index`).
 * findings_resource_key is (account, resource, package key, …): a re-match seeks a host's findings of
 * the changed package keys and reads them from the index alone; the list's resourceId filter rides on
 * (account_id, resource_id), as the list always names the accounts it may see.
 * - PostgreSQL: unique on (account, resource, package key, identity), the creation race's guard
 *   (unique-violation.ts) as findings_identity was: a finding's identity names its package, so it stays
 *   unique per resource; NULLS NOT DISTINCT (PostgreSQL 15) so findings without a package key collide
 *   too. The re-match's other columns ride in INCLUDE. findings_resource_id_binary stays: built under
 *   the "binary" collation, it serves the PREFIX range (0007), which this one cannot.
 * - SQLite: the same columns plus the re-match's as keys (SQLite has no INCLUDE), so not unique. No race
 *   needs it there: one process's transactions take turns on its one writer connection, and a
 *   transaction of another process that read before a commit and then writes fails with
 *   SQLITE_BUSY_SNAPSHOT (WAL) instead of writing on a stale read (test/server/finding-resource-key.test.ts).
 */
export function m0032FindingResourceKey(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      if (dialect === 'postgres') {
        await requirePostgres15(db);
        await sql`create unique index findings_resource_key on findings
          (account_id, resource_id, package_key, identity_key)
          include (vulnerability_id, status, match_digest, id) nulls not distinct`.execute(db);
      } else {
        await db.schema
          .createIndex('findings_resource_key')
          .on('findings')
          .columns([
            'account_id',
            'resource_id',
            'package_key',
            'vulnerability_id',
            'status',
            'match_digest',
            'identity_key',
            'id',
          ])
          .execute();
        await db.schema.dropIndex('findings_resource_id_key').execute();
      }
      await db.schema.dropIndex('findings_identity').execute();
      await db.schema.dropIndex('findings_rematch').execute();
    },
  };
}

/** NULLS NOT DISTINCT came with PostgreSQL 15; an older server is told so, not given a syntax error. */
async function requirePostgres15(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ v: string }>`select current_setting('server_version_num') as v`.execute(db);
  const version = Number(rows[0]?.v ?? 0);
  if (version < 150000)
    throw new Error(`vigil needs PostgreSQL 15 or later (this server is ${String(rows[0]?.v)})`);
}

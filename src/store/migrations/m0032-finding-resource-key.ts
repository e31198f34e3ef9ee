import { sql, type Kysely, type Migration } from 'kysely';

/**
 * One index per resource on findings instead of three (issue 12, one advisory on 10,000 hosts).
 * A finding's entries in the findings_identity (unique), findings_rematch (0009) and, on SQLite,
 * findings_resource_id_key (0007) indexes all sort by resource first, so an advisory that touches one
 * finding on each of 5,000 hosts changed 3 × 5,000 index pages, each read, rewritten and logged in
 * the WAL at commit. `npm run bench -- finding-index` at 10,000 hosts: 1.22 s of SQLite writes per such
 * advisory as 0031 left it, 0.60 s with one per-resource index.
 * findings_resource_key keeps the identity unique (the creation race's guard, src/store/unique-violation.ts)
 * and puts the package key before it, so a re-match seeks a host's findings of the changed package keys
 * (finding-key-sql.ts). The key is `coalesce(package_key, '')`: in a unique index NULLs are distinct,
 * and findings that are not package findings have none. A finding's identity names its package, so the
 * identity stays unique per resource. The list's resourceId filter rides on (account_id, resource_id):
 * the list always names the accounts it may see.
 * PostgreSQL carries the re-match's columns in the index (INCLUDE; package_key too: it reads an
 * expression's column, not the expression, when it decides that a scan can be index-only), and
 * keeps its findings_resource_id_binary: an index built under the "binary" collation serves the PREFIX
 * range (0007), which this one in the default collation cannot.
 */
export function m0032FindingResourceKey(dialect: 'sqlite' | 'postgres'): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      const include =
        dialect === 'postgres' ? sql` include (package_key, vulnerability_id, status, match_digest)` : sql``;
      await sql`create unique index findings_resource_key on findings
        (account_id, resource_id, coalesce(package_key, ''), identity_key)${include}`.execute(db);
      await db.schema.dropIndex('findings_identity').execute();
      await db.schema.dropIndex('findings_rematch').execute();
      if (dialect === 'sqlite') await db.schema.dropIndex('findings_resource_id_key').execute();
    },
  };
}

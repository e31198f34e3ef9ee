import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Indexes for GET /v1/findings at a million findings (measured by `npm run bench -- service`, see
 * README "Service benchmark"). The list query is `account_id IN (visible) AND filter ORDER BY key, id
 * LIMIT n`; with only account-leading indexes both planners fetched every finding of the visible
 * accounts (the whole table for an organization's delegated admin), JSON included, to sort them.
 * Each index here starts with a column the common filters pin by equality and ends with the sort
 * key, so the plan walks the index in order and stops after one page:
 * - severity / status alone (a delegated admin's "all CRITICAL", "all ACTIVE");
 * - account + severity / account + status (a member key, or an accountId filter);
 * - the inspectorScore sort, an expression index on the very expression src/findings/finding-sort.ts sorts by.
 * And one index goes: 0001's (account_id, score). A score band is wide (a third of all findings
 * for "MEDIUM to HIGH"), so walking the id order and stopping after a page is far cheaper than it;
 * but with it, SQLite took the account IN-list plus the band as selective and sorted ~30% of the
 * table, JSON included (2 s at 300k findings); without it, both planners (SQLite once it has ANALYZE
 * statistics) walk the id order.
 * Portable: both SQLite and PostgreSQL index expressions; the schema builder writes the DDL.
 */
export function m0003FindingsListIndexes(): Migration {
  const indexes: Array<[string, ReturnType<typeof sql>]> = [
    ['findings_severity_id', sql`severity, id`],
    ['findings_status_id', sql`status, id`],
    ['findings_account_severity_id', sql`account_id, severity, id`],
    ['findings_account_status_id', sql`account_id, status, id`],
    ['findings_score_key', sql`coalesce(score, -1), id`],
    ['findings_status_score_key', sql`status, coalesce(score, -1), id`],
  ];
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      for (const [name, columns] of indexes) {
        await db.schema.createIndex(name).on('findings').expression(columns).execute();
      }
      await db.schema.dropIndex('findings_score').execute();
    },
  };
}

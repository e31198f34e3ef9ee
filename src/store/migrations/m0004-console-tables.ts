import type { Kysely, Migration } from 'kysely';

/**
 * The console's tables (issue 14):
 * - console_sessions: a browser session made by POST /v1/sessions from an API key. The cookie's
 *   token is stored as its SHA-256 only (a copied DB holds no usable session); the CSRF token is
 *   stored as is, since the session's own page asks for it again after a reload. A session lives
 *   until expires_at or until ended (sign-out), and never longer than its key (revocation ends it).
 * - finding_daily_counts: one row per account and UTC day with its open findings by severity,
 *   written by the daily-counts task, for the 30-day trend.
 * Portable DDL through the schema builder (SQLite and PostgreSQL).
 */
export function m0004ConsoleTables(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('console_sessions')
        .addColumn('token_hash', 'text', (c) => c.primaryKey())
        .addColumn('key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
        .addColumn('csrf_token', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text', (c) => c.notNull())
        .addColumn('ended_at', 'text')
        .execute();
      await db.schema
        .createIndex('console_sessions_expires')
        .on('console_sessions')
        .column('expires_at')
        .execute();
      await db.schema
        .createTable('finding_daily_counts')
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('day', 'text', (c) => c.notNull())
        .addColumn('critical', 'integer', (c) => c.notNull())
        .addColumn('high', 'integer', (c) => c.notNull())
        .addColumn('medium', 'integer', (c) => c.notNull())
        .addColumn('low', 'integer', (c) => c.notNull())
        .addColumn('informational', 'integer', (c) => c.notNull())
        .addColumn('untriaged', 'integer', (c) => c.notNull())
        .addColumn('counted_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('finding_daily_counts_pk', ['account_id', 'day'])
        .execute();
    },
  };
}

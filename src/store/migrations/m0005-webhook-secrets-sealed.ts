import { sql, type Kysely, type Migration } from 'kysely';
import type { SecretBox } from '../secret-box.js';
import { webhookSecretContext } from '../secret-contexts.js';
import { ServiceDbError } from '../service-db-error.js';
import type { ServiceDatabase } from '../service-db-schema.js';

export const M0005_NAME = '0005-webhook-secrets-sealed';

/**
 * Webhook signing secrets at rest: `secret` (plaintext) becomes `secret_sealed`, the AES-256-GCM
 * envelope of src/store/secret-box.ts under the server key. Existing rows are sealed here, which needs
 * the key: a DB that holds webhook secrets can only be migrated by `vigil server` (which has it); an
 * empty one by anything. The plaintext is overwritten in the rows before the column goes, and on
 * PostgreSQL the dead row versions that held it are rewritten away after the migration
 * (`scrubAfterSealing`).
 */
export function m0005WebhookSecretsSealed(secrets: SecretBox | undefined): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      // Kysely runs PostgreSQL migrations in a transaction but not SQLite's: one here, so a crash
      // halfway leaves the table as it was (SQLite's DDL is transactional too).
      if (db.isTransaction) await sealAll(db, secrets);
      else await db.transaction().execute((trx) => sealAll(trx, secrets));
    },
  };
}

async function sealAll(db: Kysely<unknown>, secrets: SecretBox | undefined): Promise<void> {
  const rows = await sql<{
    id: string;
    secret: string;
  }>`SELECT id, secret FROM webhook_subscriptions`.execute(db);
  if (rows.rows.length > 0 && !secrets)
    throw new ServiceDbError(
      `the service DB holds ${rows.rows.length} webhook secrets in plaintext; start \`vigil server\` ` +
        'once (it encrypts them under its --secret-key-file) before running this command',
      { migration: M0005_NAME },
    );
  await db.schema
    .alterTable('webhook_subscriptions')
    .addColumn('secret_sealed', 'text', (c) => c.notNull().defaultTo(''))
    .execute();
  for (const row of rows.rows) {
    const sealed = secrets?.seal(row.secret, webhookSecretContext(row.id)) ?? '';
    await sql`UPDATE webhook_subscriptions SET secret_sealed = ${sealed}, secret = '' WHERE id = ${row.id}`.execute(
      db,
    );
  }
  await db.schema.alterTable('webhook_subscriptions').dropColumn('secret').execute();
}

/**
 * Outside the migration's transaction, on PostgreSQL: the old row versions that held the plaintext are
 * dead tuples until a vacuum, and a plain VACUUM only marks their space free; VACUUM FULL rewrites the
 * table from its live rows (small: one row per subscription). SQLite needs nothing: DROP COLUMN has
 * already rewritten every row of the table, so the plaintext is gone from its pages (the migration
 * test greps the file, a deleted subscription's secret included).
 */
export async function scrubAfterSealing(
  db: Kysely<ServiceDatabase>,
  dialect: 'sqlite' | 'postgres',
): Promise<void> {
  if (dialect === 'postgres') await sql`VACUUM FULL webhook_subscriptions`.execute(db);
}

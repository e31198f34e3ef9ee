import type { Kysely, Migration } from 'kysely';

/**
 * What the Inspector2-compatible API (issue 18) keeps beyond /v1's tables:
 * - aws_access_keys: SigV4 credentials, each bound to one vigil API key (its role and account; revoking
 *   the key revokes them). The secret is needed to recompute signatures, so it is stored sealed under
 *   the server key (src/store/secret-box.ts), never in plaintext and never as a hash.
 * - saved_filters: Inspector's filters with action NONE (a named FilterCriteria that changes nothing);
 *   action SUPPRESS is a suppression rule in suppression_rules.
 * - filter_annotations: a filter's description and tags, for both kinds (keyed by the filter's id).
 * - accounts.image_rescan_*: the image rescan window (Inspector's ecrConfiguration), kept in the
 *   account's scan settings for the registries issue to act on; null = the default (DAYS_90).
 * Portable DDL through the schema builder (SQLite and PostgreSQL).
 */
export function m0010Inspector2Compat(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('aws_access_keys')
        .addColumn('access_key_id', 'text', (c) => c.primaryKey())
        .addColumn('api_key_id', 'text', (c) => c.notNull().references('api_keys.id').onDelete('cascade'))
        .addColumn('secret_sealed', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('aws_access_keys_key').on('aws_access_keys').column('api_key_id').execute();
      await db.schema
        .createTable('saved_filters')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('reason', 'text')
        .addColumn('filter_json', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('saved_filters_account').on('saved_filters').column('account_id').execute();
      await db.schema
        .createTable('filter_annotations')
        .addColumn('filter_id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('description', 'text')
        .addColumn('tags_json', 'text', (c) => c.notNull())
        .execute();
      for (const column of [
        'image_rescan_duration',
        'image_pull_rescan_duration',
        'image_pull_rescan_mode',
        'image_rescan_updated_at',
      ])
        await db.schema.alterTable('accounts').addColumn(column, 'text').execute();
    },
  };
}

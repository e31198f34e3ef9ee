import type { Kysely, Migration } from 'kysely';

/**
 * Images, continuously (issue 13):
 * - registries: the registries an account watches; credentials sealed under the server key, the
 *   notification secret as its SHA-256 only.
 * - image_scan_configs: an account's inclusion rules (the rescan window stays on `accounts`, where
 *   Inspector2's UpdateConfiguration writes it).
 * - registry_images: per image (account, digest) what its registry told: repository, tags, push and
 *   pull dates, the rule that covers it, until when it is re-matched, and the scan a push queued.
 *   `eligible_until` is precomputed so the window sweep is one indexed comparison on either dialect.
 */
export function m0013Registries(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('registries')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id').onDelete('cascade'))
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('host', 'text', (c) => c.notNull())
        .addColumn('insecure', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('discovery', 'text', (c) => c.notNull())
        .addColumn('poll_interval_seconds', 'integer')
        .addColumn('credentials_sealed', 'text')
        .addColumn('notification_secret_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addColumn('last_polled_at', 'text')
        .addColumn('poll_error_json', 'text')
        .addUniqueConstraint('registries_account_name', ['account_id', 'name'])
        .execute();
      await db.schema
        .createTable('image_scan_configs')
        .addColumn('account_id', 'text', (c) => c.primaryKey().references('accounts.id').onDelete('cascade'))
        .addColumn('rules_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('registry_images')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('registry_id', 'text', (c) => c.notNull())
        .addColumn('repository', 'text', (c) => c.notNull())
        .addColumn('tags_json', 'text', (c) => c.notNull())
        .addColumn('media_type', 'text')
        .addColumn('pushed_at', 'text', (c) => c.notNull())
        .addColumn('last_pulled_at', 'text')
        .addColumn('scan_frequency', 'text')
        .addColumn('eligible_until', 'text')
        .addColumn('scan_id', 'text')
        .addColumn('scan_queued_at', 'text')
        .addColumn('deleted_at', 'text')
        .addPrimaryKeyConstraint('registry_images_pk', ['account_id', 'resource_id'])
        .execute();
      await db.schema
        .createIndex('registry_images_registry')
        .on('registry_images')
        .columns(['registry_id', 'repository'])
        .execute();
      await db.schema
        .createIndex('registry_images_window')
        .on('registry_images')
        .column('eligible_until')
        .execute();
    },
  };
}

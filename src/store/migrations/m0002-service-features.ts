import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

/**
 * The service's features beyond findings: resource tags and stored inventories (SBOM export, filters),
 * scans (async image scans), suppression rules, reports, webhooks with their delivery log.
 * Portable types only, as in 0001.
 */
export function m0002ServiceFeatures(dialect: 'sqlite' | 'postgres'): Migration {
  const seq = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('api_keys').addColumn('name', 'text').execute();
      await db.schema.alterTable('resources').addColumn('deleted_at', 'text').execute();
      await db.schema.alterTable('findings').addColumn('repository_name', 'text').execute();
      await db.schema.alterTable('findings').addColumn('package_manager', 'text').execute();
      await db.schema
        .createIndex('findings_closed_at')
        .on('findings')
        .columns(['status', 'closed_at'])
        .execute();
      await db.schema
        .createTable('resource_tags')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('key', 'text', (c) => c.notNull())
        .addColumn('value', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('resource_tags_pk', ['account_id', 'resource_id', 'key'])
        .execute();
      await db.schema.createIndex('resource_tags_kv').on('resource_tags').columns(['key', 'value']).execute();
      await db.schema
        .createTable('inventories')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('inventory_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('inventories_pk', ['account_id', 'resource_id'])
        .execute();
      await db.schema
        .createTable('scans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('request_json', 'text', (c) => c.notNull())
        .addColumn('summary_json', 'text')
        .addColumn('error_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('scans_status').on('scans').columns(['status', 'created_at']).execute();
      await db.schema
        .createTable('suppression_rules')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('reason', 'text', (c) => c.notNull())
        .addColumn('filter_json', 'text', (c) => c.notNull())
        .addColumn('expires_at', 'text')
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('suppression_rules_account')
        .on('suppression_rules')
        .column('account_id')
        .execute();
      await db.schema
        .createTable('reports')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('request_json', 'text', (c) => c.notNull())
        .addColumn('scope_json', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('error_json', 'text')
        .addColumn('content', 'text')
        .addColumn('content_type', 'text')
        .addColumn('size', 'integer')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('started_at', 'text')
        .addColumn('finished_at', 'text')
        .execute();
      await db.schema.createIndex('reports_status').on('reports').columns(['status', 'created_at']).execute();
      await createWebhookTables(db, serial, seq);
    },
  };
}

async function createWebhookTables(
  db: Kysely<unknown>,
  serial: 'bigserial' | 'integer',
  seq: (c: ColumnDefinitionBuilder) => ColumnDefinitionBuilder,
): Promise<void> {
  await db.schema
    .createTable('webhook_subscriptions')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('url', 'text', (c) => c.notNull())
    // HMAC needs the secret itself, so it is stored (unlike API keys); it is never returned after creation.
    .addColumn('secret', 'text', (c) => c.notNull())
    .addColumn('event_types_json', 'text', (c) => c.notNull())
    .addColumn('enabled', 'integer', (c) => c.notNull().defaultTo(1))
    /** The last outbox seq this subscription's fan-out has considered. */
    .addColumn('cursor_seq', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable('webhook_deliveries')
    .addColumn('seq', serial, seq)
    .addColumn('subscription_id', 'text', (c) => c.notNull())
    .addColumn('outbox_seq', 'integer', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('next_attempt_at', 'text', (c) => c.notNull())
    .addColumn('last_status_code', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('delivered_at', 'text')
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_pending')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'status', 'outbox_seq'])
    .execute();
  await db.schema
    .createIndex('webhook_deliveries_unique')
    .on('webhook_deliveries')
    .columns(['subscription_id', 'outbox_seq'])
    .unique()
    .execute();
}

import type { ColumnDefinitionBuilder, Kysely, Migration } from 'kysely';

/**
 * One schema for SQLite and PostgreSQL: only portable types (text, integer, double precision) and
 * an auto-increment sequence column written per dialect by Kysely's schema builder.
 */
export function m0001ServiceInitial(dialect: 'sqlite' | 'postgres'): Migration {
  // bigserial on PostgreSQL; on SQLite an INTEGER PRIMARY KEY AUTOINCREMENT never reuses a number.
  const seq = (c: ColumnDefinitionBuilder): ColumnDefinitionBuilder =>
    dialect === 'postgres' ? c.primaryKey() : c.primaryKey().autoIncrement();
  const serial = dialect === 'postgres' ? 'bigserial' : 'integer';
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('organizations')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('delegated_admin_account_id', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('accounts')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('organization_id', 'text', (c) => c.references('organizations.id'))
        .addColumn('host_scanning', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('image_scanning', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('network_scanning', 'integer', (c) => c.notNull().defaultTo(1))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createTable('api_keys')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('prefix', 'text', (c) => c.notNull())
        .addColumn('secret_hash', 'text', (c) => c.notNull().unique())
        .addColumn('role', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('last_used_at', 'text')
        .addColumn('revoked_at', 'text')
        .execute();
      await createResourcesAndFindings(db);
      await db.schema
        .createTable('audit_log')
        .addColumn('seq', serial, seq)
        .addColumn('at', 'text', (c) => c.notNull())
        .addColumn('key_id', 'text')
        .addColumn('account_id', 'text')
        .addColumn('action', 'text', (c) => c.notNull())
        .addColumn('target', 'text')
        .addColumn('result', 'text', (c) => c.notNull())
        .addColumn('details_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('audit_log_account_at')
        .on('audit_log')
        .columns(['account_id', 'at'])
        .execute();
      await db.schema
        .createTable('outbox')
        .addColumn('seq', serial, seq)
        .addColumn('type', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('subject', 'text', (c) => c.notNull())
        .addColumn('payload_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('delivered_at', 'text')
        .execute();
      await db.schema.createIndex('outbox_pending').on('outbox').columns(['delivered_at', 'seq']).execute();
    },
  };
}

async function createResourcesAndFindings(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('resources')
    .addColumn('id', 'text', (c) => c.notNull())
    .addColumn('account_id', 'text', (c) => c.notNull().references('accounts.id'))
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('tags_json', 'text', (c) => c.notNull())
    .addColumn('details_json', 'text', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addPrimaryKeyConstraint('resources_pk', ['account_id', 'id'])
    .execute();
  await db.schema
    .createTable('findings')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('account_id', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('severity', 'text', (c) => c.notNull())
    .addColumn('score', 'double precision')
    .addColumn('vulnerability_id', 'text')
    .addColumn('package_name', 'text')
    .addColumn('resource_id', 'text', (c) => c.notNull())
    .addColumn('resource_type', 'text', (c) => c.notNull())
    .addColumn('first_observed_at', 'text', (c) => c.notNull())
    .addColumn('last_observed_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('closed_at', 'text')
    .addColumn('fix_available', 'text', (c) => c.notNull())
    .addColumn('exploit_available', 'text', (c) => c.notNull())
    .addColumn('epss_score', 'double precision')
    .addColumn('identity_key', 'text', (c) => c.notNull())
    .addColumn('finding_json', 'text', (c) => c.notNull())
    .execute();
  const indexes: Array<[string, string[]]> = [
    ['findings_identity', ['account_id', 'resource_id', 'identity_key']],
    ['findings_account_status_sev', ['account_id', 'status', 'severity']],
    ['findings_account_updated', ['account_id', 'updated_at', 'id']],
    ['findings_vulnerability', ['vulnerability_id']],
    ['findings_package', ['package_name']],
    ['findings_score', ['account_id', 'score']],
    ['findings_last_observed', ['account_id', 'last_observed_at']],
  ];
  for (const [name, cols] of indexes) {
    const b = db.schema.createIndex(name).on('findings').columns(cols);
    await (name === 'findings_identity' ? b.unique() : b).execute();
  }
}

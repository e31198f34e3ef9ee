import type { Kysely, Migration } from 'kysely';

/** VEX documents of an account (store/vex-schema.ts), listed by account in upload order. */
export function m0019VexDocuments(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('vex_documents')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('format', 'text', (c) => c.notNull())
        .addColumn('spec_version', 'text', (c) => c.notNull())
        .addColumn('vex_id', 'text')
        .addColumn('author', 'text')
        .addColumn('issued_at', 'text')
        .addColumn('statement_count', 'integer', (c) => c.notNull())
        .addColumn('content_json', 'text', (c) => c.notNull())
        .addColumn('sha256', 'text', (c) => c.notNull())
        .addColumn('created_by', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('vex_documents_account')
        .on('vex_documents')
        .columns(['account_id', 'created_at', 'id'])
        .execute();
    },
  };
}

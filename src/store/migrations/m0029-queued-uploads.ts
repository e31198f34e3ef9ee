import type { Kysely, Migration } from 'kysely';

/**
 * queued_uploads (store/upload-schema.ts): on the job queue, the inventories the api received (an
 * agent's check-in, a submission) wait here for a worker's `inventory-match` job. The row is the
 * truth: a job lost between the insert and the send is sent again by the feeder, and the row goes
 * once it is applied (or superseded by a newer one of its host). `seq` orders a host's uploads.
 */
export function m0029QueuedUploads(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('queued_uploads')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('seq', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addColumn('claimed_at', 'text')
        .addColumn('inventory_hash', 'text')
        .addColumn('body_json', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('queued_uploads_host')
        .on('queued_uploads')
        .columns(['account_id', 'resource_id', 'seq'])
        .execute();
      await db.schema
        .createIndex('queued_uploads_state')
        .on('queued_uploads')
        .columns(['state', 'received_at'])
        .execute();
    },
  };
}

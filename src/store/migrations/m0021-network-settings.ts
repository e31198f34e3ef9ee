import type { Kysely, Migration } from 'kysely';

/** An account's network settings (store/network-schema.ts): the CIDRs it names as trusted. */
export function m0021NetworkSettings(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('network_settings')
        .addColumn('account_id', 'text', (c) => c.primaryKey())
        .addColumn('trusted_cidrs_json', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
    },
  };
}

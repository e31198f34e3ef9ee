import type { Kysely, Migration } from 'kysely';

/**
 * What `vigil apply` created (store/applied-schema.ts): one row per object it owns, so that `--prune`
 * deletes only those and never an object someone made by hand.
 */
export function m0025AppliedObjects(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('applied_objects')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('kind', 'text', (c) => c.notNull())
        .addColumn('object_id', 'text', (c) => c.notNull())
        .addColumn('identity', 'text', (c) => c.notNull())
        .addColumn('recorded_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('applied_objects_pk', ['account_id', 'kind', 'object_id'])
        .execute();
    },
  };
}

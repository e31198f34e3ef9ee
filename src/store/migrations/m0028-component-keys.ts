import type { Kysely, Migration } from 'kysely';

/**
 * inventories.component_keys_json: each stored inventory's lookup components and their keys
 * (resources/component-key.ts), written with its index. A full re-match reads this one short list per
 * host instead of its few hundred index rows; the rows are read only for a component the run has not
 * matched yet. NULL (inventories indexed before): the re-match reads their rows, as before.
 */
export function m0028ComponentKeys(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('inventories').addColumn('component_keys_json', 'text').execute();
    },
  };
}

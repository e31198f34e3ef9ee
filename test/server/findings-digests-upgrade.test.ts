import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordFindingsDigests } from '../../src/findings/finding-digest-store.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';

/**
 * Migration 0033: the full re-match's digests leave the inventories row for a table of their own. A DB
 * as 0032 left it keeps each digest it held (and no row where it held none), the column is gone, and a
 * digest goes with its inventory when the inventory is deleted.
 */
async function inventoryColumns(db: ServiceDb): Promise<string[]> {
  const q =
    db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from pragma_table_info('inventories')`
      : sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_name = 'inventories'`;
  return (await q.execute(db.kysely)).rows.map((r) => r.name);
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`findings_digests (m0033) on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('upgrades a 0032 DB: each digest moves to its own row, and goes with its inventory', async () => {
      const { db, url } = await backend.fresh({ migrateUpTo: '0032-finding-resource-key' });
      for (const [resource, digest] of [
        ['host-1', 'd'.repeat(32)],
        ['host-2', null],
      ] as const)
        await sql`insert into inventories (account_id, resource_id, updated_at, findings_digest, inventory_json)
          values ('a1', ${resource}, '2026-06-01T00:00:00.000Z', ${digest}, '{"packages":[]}')`.execute(
          db.kysely,
        );
      await db.close();

      const after = await openServiceDb({ url });
      try {
        expect(await inventoryColumns(after)).not.toContain('findings_digest');
        const digests = () =>
          after.kysely.selectFrom('findings_digests').selectAll().orderBy('resource_id').execute();
        expect(await digests()).toEqual([
          { account_id: 'a1', resource_id: 'host-1', digest: 'd'.repeat(32) },
        ]);
        // Recorded again for both (host-1 twice in one call): one row each, the last value given.
        await after.kysely.transaction().execute((trx) =>
          recordFindingsDigests(trx, [
            { accountId: 'a1', resourceId: 'host-1', digest: 'c'.repeat(32) },
            { accountId: 'a1', resourceId: 'host-1', digest: 'e'.repeat(32) },
            { accountId: 'a1', resourceId: 'host-2', digest: 'f'.repeat(32) },
          ]),
        );
        expect((await digests()).map((r) => [r.resource_id, r.digest])).toEqual([
          ['host-1', 'e'.repeat(32)],
          ['host-2', 'f'.repeat(32)],
        ]);
        await after.kysely.deleteFrom('inventories').where('resource_id', '=', 'host-1').execute();
        expect((await digests()).map((r) => r.resource_id)).toEqual(['host-2']);
      } finally {
        await after.close();
      }
    });
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { INVENTORY_INDEX_VERSION } from '../../src/resources/inventory-index.js';
import { staleIndexes, staleIndexesQueries } from '../../src/resources/inventory-index-backfill.js';
import { planOf } from './query-plan.js';
import { BACKENDS } from './service-db-backends.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'inventories indexed by an older writer are found through their own index (%s)',
  (_, make) => {
    const backend = make();
    beforeAll(() => backend.setup(), 120_000);
    afterAll(() => backend.teardown());

    it('finds unindexed, older and newer index versions, and never the current one (m0035)', async () => {
      const { db } = await backend.fresh();
      try {
        const versions = [
          null,
          INVENTORY_INDEX_VERSION - 1,
          INVENTORY_INDEX_VERSION,
          INVENTORY_INDEX_VERSION + 1,
        ];
        const rows = [];
        for (let h = 0; h < 40; h++)
          rows.push({
            account_id: 'acct-1',
            resource_id: `host-${String(h).padStart(2, '0')}`,
            inventory_json: JSON.stringify({ packages: [], padding: 'x'.repeat(2000) }),
            updated_at: '2026-12-07T00:00:00.000Z',
            index_version: versions[h % 4] ?? null,
          });
        await db.kysely.insertInto('inventories').values(rows).execute();

        const stale = await staleIndexes(db.kysely, 100);
        expect(stale.map((r) => r.resourceId).sort()).toEqual(
          rows.filter((r) => r.index_version !== INVENTORY_INDEX_VERSION).map((r) => r.resource_id),
        );
        const three = await staleIndexes(db.kysely, 3);
        expect(three).toHaveLength(3);
        expect(stale).toEqual(expect.arrayContaining(three));
        // The index serves the check: no row of the inventories themselves is read.
        for (const q of staleIndexesQueries(db.kysely)) {
          const plan = await planOf(db, q.limit(50));
          expect(plan).toMatch(
            db.dialect === 'sqlite'
              ? /USING COVERING INDEX inventories_index_version/
              : /Index.* inventories_index_version/,
          );
          expect(plan).not.toMatch(/SCAN inventories\b|Seq Scan on inventories/);
        }
      } finally {
        await db.close();
      }
    });
  },
);

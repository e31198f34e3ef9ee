import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  componentRowsHolding,
  heldRowsQuery,
  holdersQuery,
  resourcesHoldingKeys,
} from '../../src/resources/inventory-index.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { planOf } from './query-plan.js';
import { BACKENDS } from './service-db-backends.js';

const KEY = ['Debian:12', 'openssl'] as const;

/** Index rows of 40 hosts: each holds openssl and bash, in a component of its own (one row each). */
async function seedRows(db: ServiceDb): Promise<void> {
  const rows = [];
  for (let h = 0; h < 40; h++)
    for (const name of ['openssl', 'bash'])
      rows.push({
        account_id: 'acct-1',
        resource_id: `host-${String(h).padStart(2, '0')}`,
        ecosystem_key: 'Debian:12',
        package_name: name,
        version: h % 2 === 0 ? '3.0.11-1' : '3.0.13-1',
        package_key: `deb:${name}`,
        component: `c-${name}`,
        component_rows: 1,
        packages_json: JSON.stringify([{ name, version: '1', ecosystem: 'deb' }]),
        positions_json: JSON.stringify([name === 'bash' ? 0 : 1]),
        packages_digest: `digest-${name}-${h % 2}`,
      });
  await db.kysely.insertInto('inventory_packages').values(rows).execute();
  if (db.dialect === 'postgres') await sql`vacuum analyze inventory_packages`.execute(db.kysely);
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'inventory_packages_key covers a re-match by keys (%s)',
  (_, make) => {
    const backend = make();
    beforeAll(() => backend.setup(), 120_000);
    afterAll(() => backend.teardown());

    it('finds the holders of a key and their rows from the index alone (m0034)', async () => {
      const { db } = await backend.fresh();
      try {
        await seedRows(db);
        // SQLite says whether the index alone serves the query. PostgreSQL picks a bitmap scan over
        // 80 rows (and an index-only scan depends on its visibility map): there the index must be the
        // one used, and carry the columns read.
        const covering =
          db.dialect === 'sqlite'
            ? /USING COVERING INDEX inventory_packages_key/
            : /Index.* on inventory_packages_key/;
        if (db.dialect === 'postgres') {
          const { rows } = await sql<{ def: string }>`select indexdef as def from pg_indexes
            where indexname = 'inventory_packages_key'`.execute(db.kysely);
          expect(rows[0]?.def).toMatch(
            /\(ecosystem_key, package_name, account_id, resource_id\) INCLUDE \(component, component_rows, version, package_key, positions_json, packages_digest\)/,
          );
        }
        expect(await planOf(db, holdersQuery(db.kysely, [KEY]))).toMatch(covering);
        const some = [
          { accountId: 'acct-1', resourceId: 'host-03' },
          { accountId: 'acct-1', resourceId: 'host-20' },
        ];
        expect(await planOf(db, heldRowsQuery(db.kysely, some, [KEY]))).toMatch(covering);

        const holders = await resourcesHoldingKeys(db.kysely, [KEY]);
        expect(holders).toHaveLength(40);
        const rows = await componentRowsHolding(db.kysely, some, [KEY]);
        // The rows of the key's component on those hosts, with their digests and without their packages.
        expect(rows.map((r) => [r.resourceId, r.name, r.version, r.packagesDigest])).toEqual([
          ['host-03', 'openssl', '3.0.13-1', 'digest-openssl-1'],
          ['host-20', 'openssl', '3.0.11-1', 'digest-openssl-0'],
        ]);
        expect(rows.every((r) => r.packagesJson === undefined && r.positionsJson === '[1]')).toBe(true);
      } finally {
        await db.close();
      }
    });
  },
);

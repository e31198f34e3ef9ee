import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openServiceDb } from '../../../src/store/service-db.js';
import { BACKENDS } from '../service-db-backends.js';

const AT = '2026-02-01T00:00:00.000Z';

/**
 * A service DB as it was before migration 0008 (migrated up to 0007 only): coverage kept where
 * migration 0006 had put it, on `resources`. Reopening it runs 0008 and the later ones over what is
 * there, as an upgrade of a running installation would: the coverage table takes over and the two
 * resources columns go.
 */
for (const make of BACKENDS) {
  const backend = make();
  describe(`coverage backfill on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('gives every existing resource its coverage row, decided as the service would', async () => {
      // The DB as the release before 0008 left it: 0006's coverage columns on resources, no fleet tables.
      const { db, url } = await backend.fresh({ migrateUpTo: '0007-findings-filter-indexes' });
      const k = db.kysely;
      const account = (id: string, image: number) =>
        k
          .insertInto('accounts')
          .values({
            id,
            name: id,
            organization_id: null,
            host_scanning: 1,
            image_scanning: image,
            network_scanning: 1,
            created_at: AT,
          })
          .execute();
      await account('a1', 1);
      await account('a2', 0);
      const resource = (
        account_id: string,
        id: string,
        type: string,
        extra: { tags?: object; deleted?: boolean } = {},
      ) =>
        k
          .insertInto('resources')
          .values({
            id,
            account_id,
            type,
            tags_json: JSON.stringify(extra.tags ?? {}),
            details_json: '{}',
            created_at: AT,
            updated_at: AT,
            deleted_at: extra.deleted ? AT : null,
          })
          .execute();
      const inventory = (account_id: string, resource_id: string, packages: number, updated_at: string) =>
        k
          .insertInto('inventories')
          .values({
            account_id,
            resource_id,
            inventory_json: JSON.stringify({
              packages: Array.from({ length: packages }, (_, i) => ({ id: `p${i}` })),
            }),
            updated_at,
          })
          .execute();
      await resource('a1', 'scanned', 'HOST');
      await inventory('a1', 'scanned', 3, '2026-02-10T00:00:00.000Z');
      await resource('a1', 'empty', 'HOST');
      await inventory('a1', 'empty', 0, '2026-02-11T00:00:00.000Z');
      await resource('a1', 'excluded', 'HOST', { tags: { 'vigil:exclude': 'true' } });
      await inventory('a1', 'excluded', 2, '2026-02-12T00:00:00.000Z');
      await resource('a1', 'gone', 'HOST', { deleted: true });
      await resource('a1', 'registered', 'HOST');
      await resource('a1', 'repo/app', 'CONTAINER_REPOSITORY');
      await resource('a2', 'sha256:abc', 'CONTAINER_IMAGE');
      await inventory('a2', 'sha256:abc', 5, '2026-02-13T00:00:00.000Z');
      // More than one batch of the migration's cursor.
      for (let i = 0; i < 450; i++) await resource('a1', `bulk-${String(i).padStart(3, '0')}`, 'HOST');
      // What 0006's writers had stored: an empty inventory is NO_INVENTORY, a stored one SUCCESSFUL.
      await sql`update resources set coverage_status = 'ACTIVE', coverage_reason = 'PENDING_INITIAL_SCAN'`.execute(
        k,
      );
      await sql`update resources set coverage_status = 'ACTIVE', coverage_reason = 'SUCCESSFUL'
                where id in ('scanned', 'excluded', 'sha256:abc')`.execute(k);
      await sql`update resources set coverage_status = 'INACTIVE', coverage_reason = 'NO_INVENTORY'
                where id = 'empty'`.execute(k);
      await sql`update resources set coverage_status = 'INACTIVE', coverage_reason = 'RESOURCE_TERMINATED'
                where id = 'gone'`.execute(k);
      const before = await k
        .selectFrom('outbox')
        .select((e) => e.fn.countAll().as('n'))
        .executeTakeFirst();
      await db.close();

      const again = await openServiceDb({ url });
      try {
        const rows = await again.kysely
          .selectFrom('coverage')
          .select(['account_id', 'resource_id', 'scan_type', 'status', 'reason', 'last_scanned_at'])
          .where('resource_id', 'not like', 'bulk-%')
          .orderBy('account_id')
          .orderBy('resource_id')
          .execute();
        expect(
          rows.map(
            (r) =>
              `${r.account_id} ${r.resource_id} ${r.scan_type} ${r.status} ${r.reason} ${r.last_scanned_at}`,
          ),
        ).toEqual([
          'a1 empty PACKAGE INACTIVE NO_INVENTORY null',
          'a1 excluded PACKAGE INACTIVE EXCLUDED_BY_TAG 2026-02-12T00:00:00.000Z',
          'a1 gone PACKAGE INACTIVE RESOURCE_TERMINATED null',
          'a1 registered PACKAGE ACTIVE PENDING_INITIAL_SCAN null',
          'a1 repo/app PACKAGE ACTIVE PENDING_INITIAL_SCAN null',
          'a1 scanned PACKAGE ACTIVE SUCCESSFUL 2026-02-10T00:00:00.000Z',
          'a2 sha256:abc PACKAGE INACTIVE SCAN_TYPE_DISABLED 2026-02-13T00:00:00.000Z',
        ]);
        const bulk = await again.kysely
          .selectFrom('coverage')
          .select((e) => e.fn.countAll().as('n'))
          .where('resource_id', 'like', 'bulk-%')
          .where('reason', '=', 'PENDING_INITIAL_SCAN')
          .executeTakeFirst();
        expect(Number(bulk?.n)).toBe(450);
        const after = await again.kysely
          .selectFrom('outbox')
          .select((e) => e.fn.countAll().as('n'))
          .executeTakeFirst();
        expect(Number(after?.n)).toBe(Number(before?.n));
        // One store of coverage: the resources columns are gone.
        await expect(sql`select coverage_reason from resources`.execute(again.kysely)).rejects.toThrow(
          /coverage_reason/,
        );
      } finally {
        await again.close();
      }
    });
  });
}

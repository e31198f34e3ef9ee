import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kevFeed } from '../../src/feeds/kev/kev-feed.js';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { deleteResource, replaceTags } from '../../src/resources/resource-store.js';
import { submitInline } from './submit-inline.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { hostInventory } from './rematch-data.js';
import { BACKENDS } from './service-db-backends.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';

/**
 * Which stored inventories a data change re-matches: a host excluded by tag or deleted keeps its
 * closed findings closed (nothing is reopened or created), a live host gets the change; a change that
 * reaches findings by CVE (KEV) or by no package at all re-matches every stored inventory.
 */
const ACCOUNT = 'acct-1';
const NOW = new Date('2026-06-01T00:00:00.000Z');

function record(id: string, modified: string, extra: object = {}): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'alpha' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }],
      },
    ],
    ...extra,
  });
}

async function seed(db: ServiceDb): Promise<void> {
  const created_at = NOW.toISOString();
  await db.kysely
    .insertInto('organizations')
    .values({ id: 'o1', name: 'Org', delegated_admin_account_id: ACCOUNT, created_at })
    .execute();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: ACCOUNT,
      name: 'A',
      organization_id: 'o1',
      host_scanning: 1,
      image_scanning: 0,
      network_scanning: 0,
      created_at,
    })
    .execute();
}

async function openByHost(db: ServiceDb): Promise<Record<string, string[]>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['resource_id', 'vulnerability_id'])
    .where('status', '<>', 'CLOSED')
    .orderBy('resource_id')
    .orderBy('vulnerability_id')
    .execute();
  const out: Record<string, string[]> = {};
  for (const r of rows) (out[r.resource_id ?? ''] ??= []).push(r.vulnerability_id ?? '');
  return out;
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  're-match eligibility (%s)',
  (_, make) => {
    const backend = make();
    let dir: string;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-elig-'));
      await backend.setup();
    }, 120_000);
    afterAll(async () => {
      await backend.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    it('excluded and deleted hosts are left closed; KEV changes re-match every inventory', async () => {
      const write = (name: string, lines: string[]): string => {
        const p = join(dir, `${backend.name}-${name}`);
        writeFileSync(p, lines.join('\n') + '\n');
        return p;
      };
      const vulndb = await openVulnDb(join(dir, `${backend.name}-vulndb.sqlite`));
      const { db } = await backend.fresh();
      const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => NOW };
      try {
        await vulndb.import([
          await osvFeed(write('a.jsonl', [record('CVE-2099-0001', '2025-01-01T00:00:00Z')]), 'osv-test'),
        ]);
        await seed(db);
        const versions = new Map([['alpha', '1.0-1']]);
        for (const id of ['h-live', 'h-excluded', 'h-deleted']) {
          const body = hostInventory({ id, release: '12', sources: ['alpha'] }, versions);
          await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: id, body });
        }
        expect(await openByHost(db)).toEqual({
          'h-deleted': ['CVE-2099-0001'],
          'h-excluded': ['CVE-2099-0001'],
          'h-live': ['CVE-2099-0001'],
        });
        await db.kysely.transaction().execute(async (trx) => {
          await replaceTags(trx, ACCOUNT, 'h-excluded', { 'vigil:exclude': 'true' }, NOW.toISOString());
          await deleteResource(trx, { accountId: ACCOUNT, id: 'h-deleted', type: 'HOST', now: NOW });
        });
        expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({
          fullBecause: 'first-run',
          rematched: 1,
        });
        // Close the excluded host's finding as issue 12's EXCLUDED_BY_TAG would, to see it stays closed.
        await db.kysely
          .updateTable('findings')
          .set({ status: 'CLOSED', closed_at: NOW.toISOString() })
          .where('resource_id', '=', 'h-excluded')
          .execute();

        const withdrawal = record('CVE-2099-0001', '2025-02-01T00:00:00Z', {
          withdrawn: '2025-02-01T00:00:00Z',
        });
        const next = record('CVE-2099-0002', '2025-02-01T00:00:00Z');
        await vulndb.import([await osvFeed(write('b.jsonl', [withdrawal, next]), 'osv-test')]);
        const run = await rematchFromImportLog(ctx, vulndb);
        expect(run).toMatchObject({ mode: 'keys', selected: 2, rematched: 1, created: 1, closed: 1 });
        expect(await openByHost(db)).toEqual({ 'h-live': ['CVE-2099-0002'] });

        const kev = join(dir, `${backend.name}-kev.json`);
        writeFileSync(
          kev,
          JSON.stringify({
            catalogVersion: '2026.06.01',
            vulnerabilities: [{ cveID: 'CVE-2099-0002', dateAdded: '2026-06-01' }],
          }),
        );
        await vulndb.import([kevFeed(kev)]);
        const full = await rematchFromImportLog(ctx, vulndb);
        expect(full).toMatchObject({
          mode: 'full',
          fullBecause: 'enrichment-changed',
          rematched: 1,
          updated: 1,
        });
        const [live] = await db.kysely
          .selectFrom('findings')
          .select(['last_observed_at', findingJson()])
          .where('resource_id', '=', 'h-live')
          .where('status', '<>', 'CLOSED')
          .execute();
        expect(live ? findingOfRow(live) : {}).toMatchObject({ exploitAvailable: 'YES' });
      } finally {
        await vulndb.close();
        await db.close();
      }
    }, 120_000);

    it('inventories and findings stored before migration 0009 are indexed first, then re-matched', async () => {
      const write = (name: string, lines: string[]): string => {
        const p = join(dir, `${backend.name}-old-${name}`);
        writeFileSync(p, lines.join('\n') + '\n');
        return p;
      };
      const vulndb = await openVulnDb(join(dir, `${backend.name}-old-vulndb.sqlite`));
      const { db } = await backend.fresh();
      const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => NOW };
      try {
        await vulndb.import([
          await osvFeed(write('a.jsonl', [record('CVE-2099-0001', '2025-01-01T00:00:00Z')]), 'osv-test'),
        ]);
        await seed(db);
        const body = hostInventory(
          { id: 'h-old', release: '12', sources: ['alpha'] },
          new Map([['alpha', '1.0-1']]),
        );
        await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: 'h-old', body });
        expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({
          fullBecause: 'first-run',
          changed: 0,
        });
        // As a DB migrated by 0009 holds them: inventories without index, findings without digest.
        await db.kysely.deleteFrom('inventory_packages').execute();
        await db.kysely.updateTable('inventories').set({ index_version: null, os_json: null }).execute();
        await db.kysely.updateTable('findings').set({ package_key: null, match_digest: null }).execute();

        await vulndb.import([
          await osvFeed(write('b.jsonl', [record('CVE-2099-0002', '2025-02-01T00:00:00Z')]), 'osv-test'),
        ]);
        expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({
          mode: 'keys',
          selected: 1,
          created: 1,
          updated: 0,
        });
        expect(await openByHost(db)).toEqual({ 'h-old': ['CVE-2099-0001', 'CVE-2099-0002'] });
        const unindexed = await db.kysely
          .selectFrom('findings')
          .select('id')
          .where('package_key', 'is', null)
          .execute();
        expect(unindexed).toEqual([]);
      } finally {
        await vulndb.close();
        await db.close();
      }
    }, 120_000);
  },
);

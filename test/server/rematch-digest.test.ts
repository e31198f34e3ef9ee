import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { closeFindings } from '../../src/findings/finding-closer.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { rematchStoredInventories } from '../../src/scan/rematch-run.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { hostInventory } from './rematch-data.js';
import { BACKENDS } from './service-db-backends.js';
import { submitInline } from './submit-inline.js';

/**
 * The full re-match's digest (inventories.findings_digest, m0012): a full re-match records what it
 * left on each host, and the next one skips a host whose result has that digest without reading its
 * findings. Every other write of a host's findings (the closer, a scan) clears it, so the host is
 * compared finding by finding again and put right. The digest is trusted: a finding changed behind
 * every writer's back (raw SQL here) is not seen, which is what shows the skip happened.
 */
const ACCOUNT = 'acct-1';
const NOW = new Date('2026-06-01T00:00:00.000Z');

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

async function digests(db: ServiceDb): Promise<Record<string, string | null>> {
  const rows = await db.kysely
    .selectFrom('inventories')
    .select(['resource_id', 'findings_digest'])
    .orderBy('resource_id')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.resource_id, r.findings_digest ?? null]));
}

async function statuses(db: ServiceDb): Promise<Record<string, string>> {
  const rows = await db.kysely.selectFrom('findings').select(['resource_id', 'status']).execute();
  return Object.fromEntries(rows.map((r) => [r.resource_id, r.status]));
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('re-match digest (%s)', (_, make) => {
  const backend = make();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-digest-'));
    await backend.setup();
  }, 120_000);
  afterAll(async () => {
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('skips hosts whose result has the recorded digest; other writers clear it', async () => {
    const osv = join(dir, `${backend.name}-a.jsonl`);
    writeFileSync(
      osv,
      JSON.stringify({
        schema_version: '1.6.0',
        id: 'CVE-2099-0001',
        modified: '2025-01-01T00:00:00Z',
        affected: [
          {
            package: { ecosystem: 'Debian:12', name: 'alpha' },
            ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }],
          },
        ],
      }) + '\n',
    );
    const vulndb = await openVulnDb(join(dir, `${backend.name}-vulndb.sqlite`));
    const { db } = await backend.fresh();
    const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => NOW };
    const full = (): ReturnType<typeof rematchStoredInventories> =>
      rematchStoredInventories(ctx, vulndb.store, undefined);
    try {
      await vulndb.import([await osvFeed(osv, 'osv-test')]);
      await seed(db);
      const versions = new Map([['alpha', '1.0-1']]);
      for (const id of ['h-a', 'h-b']) {
        const body = hostInventory({ id, release: '12', sources: ['alpha'] }, versions);
        await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: id, body });
      }
      expect(await digests(db)).toEqual({ 'h-a': null, 'h-b': null });

      // The first full re-match finds the scans' findings right and records each host's digest.
      expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({
        mode: 'full',
        rematched: 2,
        changed: 0,
      });
      const recorded = await digests(db);
      expect(recorded['h-a']).toMatch(/^[\w-]{32}$/);
      expect(recorded['h-b']).toBe(recorded['h-a']);

      // Behind every writer's back: the digest still vouches for h-b, so the re-match does not look.
      await db.kysely
        .updateTable('findings')
        .set({ status: 'CLOSED' })
        .where('resource_id', '=', 'h-b')
        .execute();
      expect(await full()).toMatchObject({ rematched: 2, changed: 0, updated: 0 });
      expect(await statuses(db)).toEqual({ 'h-a': 'ACTIVE', 'h-b': 'CLOSED' });

      // The closer clears h-a's digest: the next full re-match compares it and reopens its finding.
      await db.kysely.transaction().execute(async (trx) => {
        await closeFindings(trx, {
          accountId: ACCOUNT,
          criteria: { resourceId: [{ comparison: 'EQUALS', value: 'h-a' }] },
          now: NOW,
        });
      });
      expect(await digests(db)).toEqual({ 'h-a': null, 'h-b': recorded['h-b'] });
      expect(await full()).toMatchObject({ rematched: 2, changed: 1, updated: 1 });
      expect(await digests(db)).toEqual(recorded);

      // A scan stores a new inventory and writes findings: h-b's digest goes, and h-b is put right.
      const body = hostInventory({ id: 'h-b', release: '12', sources: ['alpha'] }, versions);
      await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: 'h-b', body });
      expect((await digests(db))['h-b']).toBeNull();
      expect(await statuses(db)).toEqual({ 'h-a': 'ACTIVE', 'h-b': 'ACTIVE' });
      // h-b is compared by its stored digests and vouched for: its digest recorded, nothing written.
      const written = async () => ({
        events: (await db.kysely.selectFrom('outbox').select('seq').execute()).length,
        rows: await db.kysely
          .selectFrom('findings')
          .select(['id', 'updated_at', 'last_observed_at'])
          .execute(),
      });
      const before = await written();
      expect(await full()).toMatchObject({ rematched: 2, changed: 0 });
      expect(await digests(db)).toEqual(recorded);
      expect(await written()).toEqual(before);
    } finally {
      await vulndb.close();
      await db.close();
    }
  }, 120_000);
});

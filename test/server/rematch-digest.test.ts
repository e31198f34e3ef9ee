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
 * The full re-match's digest (findings_digests, m0012 and m0033): a digest of a host's open package
 * findings as a set (finding-set-digest.ts), recorded by a full re-match for what it left and by a
 * scan for what it stored. The next full re-match skips a host whose result has that digest without
 * reading its findings. Every other write of a host's findings (the closer) clears it, so the host is
 * compared finding by finding again and put right; new data gives another result, so every host it
 * changes is compared. The digest is trusted: a finding changed behind every writer's back (raw SQL
 * here) is not seen, which is what shows the skip happened.
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
    .selectFrom('inventories as i')
    .leftJoin('findings_digests as d', (j) =>
      j.onRef('d.account_id', '=', 'i.account_id').onRef('d.resource_id', '=', 'i.resource_id'),
    )
    .select(['i.resource_id', 'd.digest'])
    .orderBy('i.resource_id')
    .execute();
  return Object.fromEntries(rows.map((r) => [r.resource_id, r.digest ?? null]));
}

async function statuses(db: ServiceDb): Promise<Record<string, string>> {
  const rows = await db.kysely.selectFrom('findings').select(['resource_id', 'status']).execute();
  return Object.fromEntries(rows.map((r) => [r.resource_id, r.status]));
}

/** A JSON Lines OSV file of one Debian 12 advisory on `alpha`, fixed in 2.0-1. */
function advisory(dir: string, backend: string, id: string): string {
  const file = join(dir, `${backend}-${id}.jsonl`);
  const record = {
    schema_version: '1.6.0',
    id,
    modified: '2025-01-01T00:00:00Z',
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'alpha' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }],
      },
    ],
  };
  writeFileSync(file, JSON.stringify(record) + '\n');
  return file;
}

/** Closes a host's findings with raw SQL, past every writer: only a re-match that reads them sees it. */
async function closeBehindTheBack(db: ServiceDb, resourceId: string): Promise<void> {
  await db.kysely
    .updateTable('findings')
    .set({ status: 'CLOSED' })
    .where('resource_id', '=', resourceId)
    .execute();
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
    const osv = advisory(dir, backend.name, 'CVE-2099-0001');
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
      // Each scan records the digest of the findings it left: both hosts hold the same one finding.
      const recorded = await digests(db);
      expect(recorded['h-a']).toMatch(/^[0-9a-f]{32}$/);
      expect(recorded['h-b']).toBe(recorded['h-a']);

      // The first full re-match's result for each host has that digest: both are skipped unread.
      expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({
        mode: 'full',
        rematched: 2,
        compared: 0,
        changed: 0,
      });
      expect(await digests(db)).toEqual(recorded);

      // Behind every writer's back: the digest still vouches for h-b, so the re-match does not look.
      await closeBehindTheBack(db, 'h-b');
      expect(await full()).toMatchObject({ rematched: 2, compared: 0, changed: 0, updated: 0 });
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
      expect(await full()).toMatchObject({ rematched: 2, compared: 1, changed: 1, updated: 1 });
      expect(await digests(db)).toEqual(recorded);

      // A scan of h-b reopens its finding and records the digest of what it left, read back.
      const body = hostInventory({ id: 'h-b', release: '12', sources: ['alpha'] }, versions);
      await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: 'h-b', body });
      expect(await statuses(db)).toEqual({ 'h-a': 'ACTIVE', 'h-b': 'ACTIVE' });
      expect(await digests(db)).toEqual(recorded);
      const written = async () => ({
        events: (await db.kysely.selectFrom('outbox').select('seq').execute()).length,
        rows: await db.kysely
          .selectFrom('findings')
          .select(['id', 'updated_at', 'last_observed_at'])
          .execute(),
      });
      const before = await written();
      expect(await full()).toMatchObject({ rematched: 2, compared: 0, changed: 0 });
      expect(await written()).toEqual(before);
      // The scan's digest is trusted as a re-match's is: a change behind its back is not looked at.
      await closeBehindTheBack(db, 'h-b');
      expect(await full()).toMatchObject({ rematched: 2, compared: 0, changed: 0 });

      // New data changes the result: its digest is not the recorded one, so both hosts are compared,
      // the new finding created on each and h-b's row written again (open, as its document says).
      await vulndb.import([await osvFeed(advisory(dir, backend.name, 'CVE-2099-0002'), 'osv-test-b')]);
      expect(await full()).toMatchObject({ rematched: 2, compared: 2, changed: 2, created: 2 });
      const open = await db.kysely
        .selectFrom('findings')
        .select(['resource_id', 'vulnerability_id'])
        .where('status', '!=', 'CLOSED')
        .orderBy('resource_id')
        .orderBy('vulnerability_id')
        .execute();
      expect(open.map((r) => `${r.resource_id} ${r.vulnerability_id}`)).toEqual([
        'h-a CVE-2099-0001',
        'h-a CVE-2099-0002',
        'h-b CVE-2099-0001',
        'h-b CVE-2099-0002',
      ]);
      const after = await digests(db);
      expect(after['h-a']).not.toBe(recorded['h-a']);
      expect(after['h-b']).toBe(after['h-a']);
    } finally {
      await vulndb.close();
      await db.close();
    }
  }, 120_000);
});

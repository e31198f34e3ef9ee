import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { defaultRematchEligibility } from '../../src/scan/rematch-eligibility.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { hostInventory } from './rematch-data.js';
import { BACKENDS } from './service-db-backends.js';
import { submitInline } from './submit-inline.js';

/**
 * A re-match that dies between two of its transactions (the server stopped: its abort signal) is run
 * again from the import log, whose position moves only once a run finished: the hosts it had written
 * compare equal and are left alone, the others get their findings — nothing lost, nothing doubled
 * (one finding and one `vigil.finding.created` event per affected host).
 */
const ACCOUNT = 'acct-1';
const NOW = new Date('2026-06-01T00:00:00.000Z');
const HOSTS = ['h-1', 'h-2', 'h-3'];

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

async function counts(db: ServiceDb): Promise<{ findings: string[]; created: number }> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select('resource_id')
    .where('status', '=', 'ACTIVE')
    .orderBy('resource_id')
    .execute();
  const events = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('type', '=', 'vigil.finding.created')
    .executeTakeFirstOrThrow();
  return { findings: rows.map((r) => r.resource_id), created: Number(events.n) };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))('re-match resume (%s)', (_, make) => {
  const backend = make();
  let dir: string;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-resume-'));
    await backend.setup();
  }, 120_000);
  afterAll(async () => {
    await backend.teardown();
    rmSync(dir, { recursive: true, force: true });
  });

  it('an aborted re-match is run again from the log: nothing lost or doubled', async () => {
    const vulndb = await openVulnDb(join(dir, `${backend.name}-vulndb.sqlite`));
    const { db } = await backend.fresh();
    const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => NOW };
    try {
      await seed(db);
      const versions = new Map([['alpha', '1.0-1']]);
      for (const id of HOSTS) {
        const body = hostInventory({ id, release: '12', sources: ['alpha'] }, versions);
        await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: id, body });
      }
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
      await vulndb.import([await osvFeed(osv, 'osv-test')]);
      expect(await counts(db)).toEqual({ findings: [], created: 0 });

      // One host per batch; the stop comes while the first batch runs, so it ends at the second.
      const stop = new AbortController();
      const run = rematchFromImportLog(ctx, vulndb, {
        batchSize: 1,
        signal: stop.signal,
        eligible: (t, now) => {
          stop.abort();
          return defaultRematchEligibility(t, now);
        },
      });
      await expect(run).rejects.toThrow();
      expect(await counts(db)).toEqual({ findings: ['h-1'], created: 1 });
      expect(await db.kysely.selectFrom('rematch_state').selectAll().execute()).toEqual([]);

      expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({ rematched: 3, changed: 2, created: 2 });
      expect(await counts(db)).toEqual({ findings: HOSTS, created: 3 });
      expect(await rematchFromImportLog(ctx, vulndb)).toBeUndefined();
    } finally {
      await vulndb.close();
      await db.close();
    }
  }, 120_000);
});

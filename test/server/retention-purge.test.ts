import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

const at = (iso: string): Date => new Date(`${iso}T00:00:00.000Z`);

function scanned(identity: string): Finding {
  return {
    ...randomFinding(rng(identity.length + 3), 0),
    id: identity,
    status: 'ACTIVE',
    resources: [{ id: 'host-1', type: 'HOST', details: {} }],
  };
}

/** Findings x, y, z first seen Jan 1; x closed Jan 10, y closed Feb 5, z still open. */
async function history(db: ServiceDb): Promise<void> {
  const scan = (ids: string[], now: Date) =>
    applyScanOfResource(db.kysely, {
      accountId: 'acct-r',
      resourceId: 'host-1',
      findings: ids.map(scanned),
      now,
    });
  await scan(['x', 'y', 'z'], at('2026-01-01'));
  await scan(['y', 'z'], at('2026-01-10'));
  await scan(['z'], at('2026-02-05'));
}

async function remaining(db: ServiceDb): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select('identity_key')
    .orderBy('identity_key')
    .execute();
  return rows.map((r) => r.identity_key);
}

/** Findings with a status history, and history rows whose finding is gone. */
async function historyState(db: ServiceDb): Promise<{ withHistory: number; orphans: number }> {
  const rows = await db.kysely
    .selectFrom('finding_status_history as h')
    .leftJoin('findings as f', 'f.id', 'h.finding_id')
    .select(['h.finding_id', 'f.id as fid'])
    .execute();
  return {
    withHistory: new Set(rows.filter((r) => r.fid !== null).map((r) => r.finding_id)).size,
    orphans: rows.filter((r) => r.fid === null).length,
  };
}

async function sweep(db: ServiceDb, now: Date, retentionDays?: number): Promise<void> {
  const app = await buildServer({
    db,
    background: false,
    now: () => now,
    ...(retentionDays !== undefined ? { config: { retentionDays } } : {}),
  });
  try {
    await app.vigil.tasks.find((t) => t.name === 'retention')!.runOnce();
  } finally {
    await app.close();
  }
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`retention purge on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('purges CLOSED findings closed more than retentionDays (default 30) ago, never open ones', async () => {
      const { db } = await backend.fresh();
      try {
        await history(db);
        // Feb 8: x closed 29 days ago, kept.
        await sweep(db, at('2026-02-08'));
        expect(await remaining(db)).toEqual(['x', 'y', 'z']);
        expect(await historyState(db)).toEqual({ withHistory: 3, orphans: 0 });
        // Feb 10: x closed 31 days ago, purged; y (closed Feb 5) and z (open since Jan 1) stay.
        await sweep(db, at('2026-02-10'));
        expect(await remaining(db)).toEqual(['y', 'z']);
        // x's status history went with it; y's and z's stay.
        expect(await historyState(db)).toEqual({ withHistory: 2, orphans: 0 });
        // A year on, z is still open: it stays whatever its age.
        await sweep(db, at('2027-02-10'));
        expect(await remaining(db)).toEqual(['z']);
      } finally {
        await db.close();
      }
    });

    it('follows config.retentionDays, and a purged finding seen again comes back as new', async () => {
      const { db } = await backend.fresh();
      try {
        await history(db);
        await sweep(db, at('2026-02-10'), 3);
        expect(await remaining(db)).toEqual(['z']);
        const again = await applyScanOfResource(db.kysely, {
          accountId: 'acct-r',
          resourceId: 'host-1',
          findings: ['x', 'z'].map(scanned),
          now: at('2026-02-11'),
        });
        expect(again.created.map((f) => f.firstObservedAt)).toEqual(['2026-02-11T00:00:00.000Z']);
        expect(await remaining(db)).toEqual(['x', 'z']);
      } finally {
        await db.close();
      }
    });
  });
}

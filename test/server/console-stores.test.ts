import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey } from '../../src/accounts/api-keys.js';
import {
  createSession,
  endSession,
  lookupSession,
  purgeSessions,
} from '../../src/accounts/console-sessions.js';
import type { Inventory } from '../../src/core/inventory.js';
import type { Package } from '../../src/core/package.js';
import {
  COUNTED_SEVERITIES,
  countOpenFindings,
  readTrend,
  recordDailyCounts,
} from '../../src/findings/finding-daily-counts.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { resourcePackages } from '../../src/resources/resource-packages.js';
import { deleteResource, storeInventory, upsertScannedResource } from '../../src/resources/resource-store.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

// The console's repositories (sessions, daily counts, stored packages) on SQLite and PostgreSQL
// (test/server/service-repositories.contract.test.ts lists what runs where).

const DAY1 = new Date('2026-05-01T10:00:00.000Z');
const DAY2 = new Date('2026-05-02T10:00:00.000Z');
const HOUR = 3_600_000;

function findings(accountId: string, resourceId: string, n: number, seed: number): Finding[] {
  return Array.from({ length: n }, (_, i) => ({
    ...randomFinding(rng(seed + i), i),
    id: `${resourceId}-f${i}`,
    accountId,
    status: 'ACTIVE' as const,
    resources: [{ id: resourceId, type: 'HOST' as const, details: {} }],
  }));
}

/** What the counts must say: ACTIVE findings by lower-case severity. */
function bySeverity(fs: readonly Finding[]): Record<string, number> {
  const out: Record<string, number> = Object.fromEntries(COUNTED_SEVERITIES.map((s) => [s, 0]));
  for (const f of fs) out[f.severity.toLowerCase()] = (out[f.severity.toLowerCase()] ?? 0) + 1;
  return out;
}

const pkg = (name: string, version: string): Package => ({
  id: `${name}@${version}`,
  name,
  version,
  ecosystem: 'npm',
  purl: `pkg:npm/${name}@${version}`,
  filePath: `/srv/app/node_modules/${name}/package.json`,
  foundBy: 'npm-installed',
  scope: 'installed',
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))('console stores on %s', (_name, make) => {
  const backend = make();
  let db: ServiceDb;
  const ctx = (now: Date): StoreContext => ({ db: db.kysely, dialect: db.dialect, now: () => now });

  beforeAll(async () => {
    await backend.setup();
    db = (await backend.fresh()).db;
    for (const id of ['acct-a', 'acct-b']) {
      await db.kysely
        .insertInto('accounts')
        .values({
          id,
          name: id,
          organization_id: null,
          host_scanning: 1,
          image_scanning: 1,
          network_scanning: 1,
          created_at: DAY1.toISOString(),
        })
        .execute();
      await db.kysely.transaction().execute((trx) =>
        upsertScannedResource(trx, {
          accountId: id,
          id: `${id}-host`,
          type: 'HOST',
          details: {},
          now: DAY1.toISOString(),
        }),
      );
    }
  });
  afterAll(async () => {
    await db.close();
    await backend.teardown();
  });

  it('sessions: valid until ended, expired or their key revoked; purged after', async () => {
    const key = await createApiKey(db.kysely, { accountId: 'acct-a', role: 'member' });
    expect(await createSession(db.kysely, { key: 'vk_not-a-key', now: DAY1, ttlMs: HOUR })).toBeUndefined();
    const s1 = await createSession(db.kysely, { key: key.key, now: DAY1, ttlMs: HOUR });
    const s2 = await createSession(db.kysely, { key: key.key, now: DAY1, ttlMs: HOUR });
    if (!s1 || !s2) throw new Error('no session');
    expect(s1.token).not.toBe(s2.token);
    expect(await lookupSession(db.kysely, s1.token, DAY1)).toMatchObject({
      state: 'valid',
      csrfToken: s1.csrfToken,
      expiresAt: new Date(DAY1.getTime() + HOUR).toISOString(),
      principal: { keyId: key.id, accountId: 'acct-a', visibleAccountIds: ['acct-a'] },
    });
    expect(await lookupSession(db.kysely, s1.token, new Date(DAY1.getTime() + HOUR))).toEqual({
      state: 'expired',
    });
    expect(await endSession(db.kysely, s1.token, DAY1)).toBe(true);
    expect(await endSession(db.kysely, s1.token, DAY1)).toBe(false);
    expect(await lookupSession(db.kysely, s1.token, DAY1)).toEqual({ state: 'unknown' });
    await revokeApiKey(db.kysely, { accountId: 'acct-a', keyId: key.id, now: DAY1 });
    expect(await lookupSession(db.kysely, s2.token, DAY1)).toEqual({ state: 'unknown' });
    expect(await purgeSessions(db.kysely, DAY1)).toBe(0);
    expect(await purgeSessions(db.kysely, DAY2)).toBe(2);
  });

  it('daily counts: one row per account and day, overwritten the same day; the trend sums accounts, today live', async () => {
    const a1 = findings('acct-a', 'acct-a-host', 12, 100);
    const b1 = findings('acct-b', 'acct-b-host', 7, 200);
    await applyScanOfResource(db.kysely, {
      accountId: 'acct-a',
      resourceId: 'acct-a-host',
      findings: a1,
      now: DAY1,
    });
    await applyScanOfResource(db.kysely, {
      accountId: 'acct-b',
      resourceId: 'acct-b-host',
      findings: b1,
      now: DAY1,
    });
    expect(await countOpenFindings(db.kysely, ['acct-a'])).toEqual(bySeverity(a1));
    expect(await recordDailyCounts(db.kysely, DAY1)).toBe(2);
    // Later that day acct-a fixes five: the day's row keeps the last count.
    const a2 = a1.slice(5);
    await applyScanOfResource(db.kysely, {
      accountId: 'acct-a',
      resourceId: 'acct-a-host',
      findings: a2,
      now: DAY1,
    });
    expect(await recordDailyCounts(db.kysely, new Date(DAY1.getTime() + HOUR))).toBe(2);
    const rows = await db.kysely.selectFrom('finding_daily_counts').selectAll().execute();
    expect(rows).toHaveLength(2);
    const trend = await readTrend(db.kysely, ['acct-a', 'acct-b'], '2026-04-30', DAY2);
    expect(trend.map((t) => t.day)).toEqual(['2026-05-01', '2026-05-02']);
    const both = bySeverity([...a2, ...b1]);
    expect(trend[0]?.counts).toEqual({ ...both, all: a2.length + b1.length });
    expect(trend[1]?.counts).toEqual({ ...both, all: a2.length + b1.length }); // today, counted live
    expect(await readTrend(db.kysely, ['acct-b'], '2026-05-02', DAY2)).toEqual([
      { day: '2026-05-02', counts: { ...bySeverity(b1), all: b1.length } },
    ]);
    expect(await readTrend(db.kysely, [], '2026-04-30', DAY2)).toEqual([]);
  });

  it('stored packages: searched, sorted, paged; a deleted or unknown resource is not found', async () => {
    const packages = ['zlib@1.3', 'left-pad@1.3.0', 'left-pad@1.1.0', 'Lodash@4.17.21', 'ws@7.4.5'].map(
      (s) => {
        const [n, v] = s.split('@') as [string, string];
        return pkg(n, v);
      },
    );
    const inventory: Inventory = {
      schemaVersion: 1,
      source: { type: 'directory', target: '/' },
      packages,
      unknowns: [],
      catalogers: { 'npm-installed': 1 },
      createdAt: DAY1.toISOString(),
    };
    await db.kysely
      .transaction()
      .execute((trx) =>
        storeInventory(trx, 'acct-a', 'acct-a-host', JSON.stringify(inventory), DAY1.toISOString()),
      );
    const q = { accountId: 'acct-a', resourceId: 'acct-a-host', limit: 2, offset: 0 };
    const first = await resourcePackages(ctx(DAY1), q);
    expect(first.packages.map((p) => `${p.name}@${p.version}`)).toEqual(['left-pad@1.1.0', 'left-pad@1.3.0']);
    expect(first).toMatchObject({ total: 5, nextToken: '2' });
    const last = await resourcePackages(ctx(DAY1), { ...q, offset: 4 });
    expect(last.packages.map((p) => p.name)).toEqual(['zlib']);
    expect(last.nextToken).toBeUndefined();
    const found = await resourcePackages(ctx(DAY1), { ...q, search: 'LODASH', limit: 10 });
    expect(found.packages.map((p) => p.purl)).toEqual(['pkg:npm/Lodash@4.17.21']);
    await expect(resourcePackages(ctx(DAY1), { ...q, offset: 6 })).rejects.toMatchObject({
      code: 'VALIDATION',
    });
    expect(
      await resourcePackages(ctx(DAY1), { ...q, accountId: 'acct-b', resourceId: 'acct-b-host' }),
    ).toEqual({
      packages: [],
      total: 0,
    });
    await expect(resourcePackages(ctx(DAY1), { ...q, accountId: 'acct-b' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
    await db.kysely
      .transaction()
      .execute((trx) =>
        deleteResource(trx, { accountId: 'acct-a', id: 'acct-a-host', type: 'HOST', now: DAY2 }),
      );
    await expect(resourcePackages(ctx(DAY2), q)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
const dir = mkdtempSync(join(tmpdir(), 'vigil-empty-inv-'));
const PATH = '/v1/accounts/acct-a/resources/web-9/inventory';
let db: ServiceDb;
let vulns: VulnDb;
let s: Seeded;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  await vulns.import(await batchesForPaths([new URL('testdata/osv', import.meta.url).pathname], 'osv'));
  s = await seedAndListen(db, 0, vulns.store);
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await vulns.close();
  await backend.teardown();
  rmSync(dir, { recursive: true, force: true });
});

function inventory(versions: string[]): unknown {
  return {
    schemaVersion: 1,
    source: { type: 'host', target: 'web-9' },
    packages: versions.map((v, i) => ({
      id: `p${i}`,
      name: 'leftpad-vigil',
      version: v,
      ecosystem: 'npm',
      purl: `pkg:npm/leftpad-vigil@${v}`,
      filePath: '/app/package-lock.json',
      foundBy: 'npm-package-lock',
    })),
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

async function openFindings(): Promise<Finding[]> {
  const filter = encodeURIComponent(
    JSON.stringify({
      resourceId: [{ comparison: 'EQUALS', value: 'web-9' }],
      findingStatus: [{ comparison: 'NOT_EQUALS', value: 'CLOSED' }],
    }),
  );
  const r = await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}`);
  return (r.json as { findings: Finding[] }).findings;
}

async function coverage(): Promise<unknown> {
  const r = await call(s.base, s.keys.memberA, 'GET', '/v1/accounts/acct-a/resources/web-9');
  return (r.json as { coverage: unknown }).coverage;
}

async function storedPackages(): Promise<number> {
  const row = await db.kysely
    .selectFrom('inventories')
    .select('inventory_json')
    .where('account_id', '=', 'acct-a')
    .where('resource_id', '=', 'web-9')
    .executeTakeFirstOrThrow();
  return (JSON.parse(row.inventory_json) as { packages: unknown[] }).packages.length;
}

it('an empty inventory closes nothing: it is stored with its scan and the host shows NO_INVENTORY', async () => {
  expect((await call(s.base, s.keys.memberA, 'POST', PATH, inventory(['1.0.0']))).status).toBe(200);
  expect(await openFindings()).toHaveLength(1);

  // A member key (the role DELETE is refused to) posts nothing, as vigil JSON and as CycloneDX.
  const empties = [inventory([]), { bomFormat: 'CycloneDX', specVersion: '1.5', version: 1, components: [] }];
  for (const body of empties) {
    const r = await call(s.base, s.keys.memberA, 'POST', PATH, body);
    expect(r).toMatchObject({ status: 200, json: { packages: 0, created: 0, closed: 0 } });
    const scanId = (r.json as { scanId: string }).scanId;
    expect(await openFindings()).toHaveLength(1);
    expect(await coverage()).toEqual({ scanType: 'PACKAGE', status: 'INACTIVE', reason: 'NO_INVENTORY' });
    expect(await storedPackages()).toBe(0);
    const scan = await call(s.base, s.keys.memberA, 'GET', `/v1/accounts/acct-a/scans/${scanId}`);
    expect(scan).toMatchObject({
      status: 200,
      json: { scanId, status: 'SUCCEEDED', summary: { packages: 0, closed: 0 } },
    });
  }
  // One coverage event for the change to NO_INVENTORY, none for the repeat.
  const coverageEvents = await db.kysely
    .selectFrom('outbox')
    .select('payload_json')
    .where('type', '=', 'vigil.coverage.changed')
    .where('subject', '=', 'web-9')
    .orderBy('seq')
    .execute();
  expect(coverageEvents.map((e) => (JSON.parse(e.payload_json) as { reason: string }).reason)).toEqual([
    'SUCCESSFUL',
    'NO_INVENTORY',
  ]);

  // An inventory with packages decides again: the fixed version closes the finding.
  const fixed = await call(s.base, s.keys.memberA, 'POST', PATH, inventory(['1.2.0']));
  expect(fixed).toMatchObject({ status: 200, json: { packages: 1, closed: 1 } });
  expect(await openFindings()).toHaveLength(0);
  expect(await coverage()).toEqual({ scanType: 'PACKAGE', status: 'ACTIVE', reason: 'SUCCESSFUL' });
});

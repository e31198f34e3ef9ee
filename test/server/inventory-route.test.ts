import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/server/storage/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
const dir = mkdtempSync(join(tmpdir(), 'vigil-inv-route-'));
let db: ServiceDb;
let vulns: VulnDb;
let s: Seeded;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  // A real vulnerability DB, imported by vigil's importer from one OSV record in testdata.
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

function inventory(version: string): unknown {
  const pkg = {
    id: 'p1',
    name: 'leftpad-vigil',
    version,
    ecosystem: 'npm',
    purl: `pkg:npm/leftpad-vigil@${version}`,
  };
  return {
    schemaVersion: 1,
    source: { type: 'host', target: 'web-1' },
    packages: [
      { ...pkg, filePath: '/app/package-lock.json', foundBy: 'npm-package-lock', scope: 'installed' },
    ],
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

it('an inventory submission goes through the scan service and the lifecycle: ACTIVE, then CLOSED when upgraded', async () => {
  const path = '/v1/accounts/acct-a/resources/web-1/inventory';
  const first = await call(s.base, s.keys.memberA, 'POST', path, inventory('1.0.0'));
  expect(first).toEqual({
    status: 200,
    json: { resourceId: 'web-1', created: 1, updated: 0, observed: 0, closed: 0 },
  });
  const list = (await call(s.base, s.keys.memberA, 'GET', '/v1/findings')).json as { findings: Finding[] };
  expect(list.findings).toHaveLength(1);
  expect(list.findings[0]).toMatchObject({
    status: 'ACTIVE',
    accountId: 'acct-a',
    resources: [{ id: 'web-1' }],
  });
  expect(list.findings[0]?.packageVulnerabilityDetails?.vulnerabilityId).toBe('CVE-2099-0001');
  const resources = (await call(s.base, s.keys.memberA, 'GET', '/v1/accounts/acct-a/resources')).json as {
    resources: Array<{ id: string }>;
  };
  expect(resources.resources.map((r) => r.id)).toContain('web-1');

  const fixed = await call(s.base, s.keys.memberA, 'POST', path, inventory('1.2.0'));
  expect(fixed.json).toMatchObject({ created: 0, closed: 1 });
  const after = (await call(s.base, s.keys.memberA, 'GET', '/v1/findings')).json as { findings: Finding[] };
  expect(after.findings[0]).toMatchObject({ id: list.findings[0]?.id, status: 'CLOSED' });

  expect(await call(s.base, s.keys.memberA, 'POST', path, { schemaVersion: 2 })).toMatchObject({
    status: 400,
    json: { code: 'VALIDATION' },
  });
  expect((await call(s.base, s.keys.memberB, 'POST', path, inventory('1.0.0'))).status).toBe(404);
});

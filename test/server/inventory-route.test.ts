import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS, sqliteBackend } from './service-db-backends.js';

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

function inventory(version: string, target = 'web-1'): unknown {
  const pkg = {
    id: 'p1',
    name: 'leftpad-vigil',
    version,
    ecosystem: 'npm',
    purl: `pkg:npm/leftpad-vigil@${version}`,
  };
  return {
    schemaVersion: 1,
    source: { type: 'host', target },
    packages: [
      { ...pkg, filePath: '/app/package-lock.json', foundBy: 'npm-package-lock', scope: 'installed' },
    ],
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

function cyclonedx(components: unknown, specVersion = '1.5'): unknown {
  return { bomFormat: 'CycloneDX', specVersion, version: 1, components };
}

async function findingsOf(resourceId: string): Promise<Finding[]> {
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: resourceId }] }),
  );
  const r = await call(s.base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}`);
  return (r.json as { findings: Finding[] }).findings;
}

it('an inventory submission goes through the scan service and the lifecycle: ACTIVE, then CLOSED when upgraded', async () => {
  const path = '/v1/accounts/acct-a/resources/web-1/inventory';
  const first = await call(s.base, s.keys.memberA, 'POST', path, inventory('1.0.0'));
  expect(first).toMatchObject({
    status: 200,
    json: { resourceId: 'web-1', packages: 1, created: 1, updated: 0, observed: 0, closed: 0 },
  });
  const list = await findingsOf('web-1');
  expect(list).toHaveLength(1);
  expect(list[0]).toMatchObject({ status: 'ACTIVE', accountId: 'acct-a', resources: [{ id: 'web-1' }] });
  expect(list[0]?.packageVulnerabilityDetails?.vulnerabilityId).toBe('CVE-2099-0001');
  const resources = (await call(s.base, s.keys.memberA, 'GET', '/v1/accounts/acct-a/resources')).json as {
    resources: Array<{ id: string }>;
  };
  expect(resources.resources.map((r) => r.id)).toContain('web-1');

  const fixed = await call(s.base, s.keys.memberA, 'POST', path, inventory('1.2.0'));
  expect(fixed.json).toMatchObject({ created: 0, closed: 1 });
  expect((await findingsOf('web-1'))[0]).toMatchObject({ id: list[0]?.id, status: 'CLOSED' });

  expect(await call(s.base, s.keys.memberA, 'POST', path, { schemaVersion: 2 })).toMatchObject({
    status: 400,
    json: { code: 'VALIDATION' },
  });
  expect((await call(s.base, s.keys.memberB, 'POST', path, inventory('1.0.0'))).status).toBe(404);
});

it('the route names the resource: a renamed target and a still-vulnerable upgrade UPDATE the same finding', async () => {
  const path = '/v1/accounts/acct-a/resources/web-2/inventory';
  await call(s.base, s.keys.memberA, 'POST', path, inventory('1.0.0', 'web-2.old-name'));
  const [before] = await findingsOf('web-2');
  const second = await call(s.base, s.keys.memberA, 'POST', path, inventory('1.1.0', 'web-2.new-name'));
  expect(second.json).toMatchObject({ created: 0, updated: 1, closed: 0 });
  const after = await findingsOf('web-2');
  expect(after).toHaveLength(1);
  expect(after[0]).toMatchObject({
    id: before?.id,
    status: 'ACTIVE',
    firstObservedAt: before?.firstObservedAt,
  });
  expect(after[0]?.resources[0]?.id).toBe('web-2');
  expect(after[0]?.packageVulnerabilityDetails?.vulnerablePackages[0]?.version).toBe('1.1.0');
});

it('a CycloneDX SBOM is scanned like an inventory; its findings carry the resource tags; the inventory and the scan are stored', async () => {
  const created = await call(s.base, s.keys.memberA, 'POST', '/v1/accounts/acct-a/resources', {
    id: 'sbom-host',
    type: 'HOST',
    tags: { env: 'prod' },
  });
  expect(created.status).toBe(201);
  const path = '/v1/accounts/acct-a/resources/sbom-host/inventory';
  const r = await call(
    s.base,
    s.keys.memberA,
    'POST',
    path,
    cyclonedx([{ type: 'library', name: 'leftpad-vigil', purl: 'pkg:npm/leftpad-vigil@1.0.0' }]),
  );
  expect(r).toMatchObject({ status: 200, json: { resourceId: 'sbom-host', packages: 1, created: 1 } });
  const [f] = await findingsOf('sbom-host');
  expect(f?.resources[0]).toMatchObject({ id: 'sbom-host', type: 'HOST', tags: { env: 'prod' } });

  const scanId = (r.json as { scanId: string }).scanId;
  const scan = await call(s.base, s.keys.memberA, 'GET', `/v1/accounts/acct-a/scans/${scanId}`);
  expect(scan.json).toMatchObject({ status: 'SUCCEEDED', kind: 'inventory', resourceId: 'sbom-host' });
  const stored = await db.kysely
    .selectFrom('inventories')
    .selectAll()
    .where('resource_id', '=', 'sbom-host')
    .executeTakeFirstOrThrow();
  expect(JSON.parse(stored.inventory_json)).toMatchObject({
    source: { type: 'sbom' },
    packages: [{ name: 'leftpad-vigil' }],
  });
  const events = await db.kysely
    .selectFrom('outbox')
    .select(['type', 'payload_json'])
    .where('subject', '=', 'sbom-host')
    .orderBy('seq')
    .execute();
  // Registered (PENDING_INITIAL_SCAN), then scanned (SUCCESSFUL), then the scan's own event.
  expect(events.map((e) => [e.type, (JSON.parse(e.payload_json) as { reason?: string }).reason])).toEqual([
    ['vigil.coverage.changed', 'PENDING_INITIAL_SCAN'],
    ['vigil.coverage.changed', 'SUCCESSFUL'],
    ['vigil.scan.completed', undefined],
  ]);
  expect(JSON.parse(events[2]?.payload_json ?? '{}')).toMatchObject({
    scanId,
    kind: 'inventory',
    created: 1,
  });
});

it('malformed CycloneDX is refused with 400 and says where; nothing is written', async () => {
  const path = '/v1/accounts/acct-a/resources/bad-sbom/inventory';
  const cases: Array<[unknown, Record<string, unknown>]> = [
    [cyclonedx([], '9.9'), { reason: 'CycloneDX specVersion "9.9" is not supported (1.2–1.6)' }],
    [cyclonedx('not-a-list'), { pointer: '/components' }],
    [cyclonedx([{ purl: 'pkg:npm/a@1' }, 7]), { pointer: '/components/1' }],
    [cyclonedx([{ name: 'x', components: [{ purl: 42 }] }]), { pointer: '/components/0/components/0/purl' }],
  ];
  for (const [body, details] of cases) {
    const r = await call(s.base, s.keys.memberA, 'POST', path, body);
    expect(r).toMatchObject({ status: 400, json: { code: 'SBOM_INVALID', details } });
  }
  const row = await db.kysely
    .selectFrom('resources')
    .select('id')
    .where('id', '=', 'bad-sbom')
    .executeTakeFirst();
  expect(row).toBeUndefined();
});

it('host scanning switched off: 409 SCANNING_DISABLED; a repository is not a host: 409', async () => {
  await call(s.base, s.keys.memberA, 'POST', '/v1/accounts/acct-a/resources', {
    id: 'repo-1',
    type: 'CONTAINER_REPOSITORY',
  });
  const repo = await call(
    s.base,
    s.keys.memberA,
    'POST',
    '/v1/accounts/acct-a/resources/repo-1/inventory',
    inventory('1.0.0'),
  );
  expect(repo).toMatchObject({ status: 409, json: { code: 'RESOURCE_TYPE_MISMATCH' } });
  await db.kysely.updateTable('accounts').set({ host_scanning: 0 }).where('id', '=', 'acct-a').execute();
  try {
    const r = await call(
      s.base,
      s.keys.memberA,
      'POST',
      '/v1/accounts/acct-a/resources/web-9/inventory',
      inventory('1.0.0'),
    );
    expect(r).toMatchObject({
      status: 409,
      json: { code: 'SCANNING_DISABLED', details: { scanType: 'host' } },
    });
    expect(await findingsOf('web-9')).toEqual([]);
  } finally {
    await db.kysely.updateTable('accounts').set({ host_scanning: 1 }).where('id', '=', 'acct-a').execute();
  }
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))('on %s', (_name, make) => {
  it('concurrent first submissions for one new host: all succeed, one resource, one finding', async () => {
    const b = make();
    await b.setup();
    const { db: raceDb } = await b.fresh();
    const r = await seedAndListen(raceDb, 0, vulns.store);
    try {
      const path = '/v1/accounts/acct-a/resources/race-host/inventory';
      const all = await Promise.all(
        Array.from({ length: 4 }, () => call(r.base, r.keys.memberA, 'POST', path, inventory('1.0.0'))),
      );
      expect(all.map((x) => x.status)).toEqual([200, 200, 200, 200]);
      expect(all.map((x) => (x.json as { created: number }).created).sort()).toEqual([0, 0, 0, 1]);
      const found = await raceDb.kysely
        .selectFrom('findings')
        .select('id')
        .where('resource_id', '=', 'race-host')
        .execute();
      expect(found).toHaveLength(1);
      const rows = await raceDb.kysely
        .selectFrom('resources')
        .select('id')
        .where('id', '=', 'race-host')
        .execute();
      expect(rows).toHaveLength(1);
    } finally {
      await r.app.close();
      await raceDb.close();
      await b.teardown();
    }
  });
});

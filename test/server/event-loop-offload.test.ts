import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Inventory } from '../../src/core/inventory.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { WorkerPool } from '../../src/scan/worker-pool.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { debianInventory } from './fleet/agent-client.js';
import { openFleetVulnDb } from './fleet/fleet-server.js';
import { randomFinding, rng } from './random-findings.js';
import { reportServer, type ReportServer } from './reports-client.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
const dir = mkdtempSync(join(tmpdir(), 'vigil-offload-'));
let db: ServiceDb;
let vulns: VulnDb;
let s: Seeded;
let reports: ReportServer;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  // A real vulnerability DB file (two CVEs of `copied-pkg`), which the worker threads open read-only.
  vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  const osv = new URL('../matching/testdata/complexity-osv', import.meta.url).pathname;
  await vulns.import(await batchesForPaths([osv], 'osv'));
  s = await seedAndListen(db, 0, vulns.store);
  // Only the report server below runs the report worker, when the test says so.
  for (const t of s.app.vigil.tasks) await t.stop();
  reports = await reportServer(db, vulns.store);
});
afterAll(async () => {
  await s.app.close();
  await reports.app.close();
  await db.close();
  await vulns.close();
  await backend.teardown();
  rmSync(dir, { recursive: true, force: true });
});

/**
 * GET /health one after the other from `from()` on, until `work` settles: how many were answered in
 * between. A server whose event loop runs the work answers none until it is done (it cannot read the
 * next request); one whose loop only waits for the work answers all along.
 */
async function healthAnswersDuring(
  base: string,
  work: Promise<unknown>,
  from: Promise<void>,
): Promise<number> {
  let settled = false;
  void work.finally(() => (settled = true)).catch(() => undefined);
  await from;
  let answered = 0;
  while (!settled) {
    const res = await fetch(`${base}/health`);
    await res.arrayBuffer();
    if (!settled && res.status === 200) answered++;
  }
  return answered;
}

/** The body as a stream, so the client knows when the server has been given the last byte. */
function streamed(text: string): { body: ReadableStream<Uint8Array>; sent: Promise<void> } {
  const bytes = Buffer.from(text);
  let offset = 0;
  let done = (): void => undefined;
  const sent = new Promise<void>((resolve) => (done = resolve));
  const body = new ReadableStream<Uint8Array>({
    pull(controller) {
      if (offset >= bytes.length) {
        controller.close();
        done();
        return;
      }
      controller.enqueue(bytes.subarray(offset, offset + 65536));
      offset += 65536;
    },
  });
  return { body, sent };
}

it('a 30,000-package inventory is read and matched off the event loop: /health answers all along', async () => {
  const n = 30_000;
  const packages = Array.from({ length: n }, (_, i) => {
    const name = i % 4 === 0 ? 'copied-pkg' : `lib-${i % 5000}`;
    return {
      id: `p${i}`,
      name,
      version: '1.0.0',
      ecosystem: 'npm',
      purl: `pkg:npm/${name}@1.0.0`,
      filePath: `/srv/node_modules/${i}/package.json`,
      foundBy: 'npm-package-lock',
      scope: 'installed',
    };
  });
  const inventory = {
    schemaVersion: 1,
    source: { type: 'host', target: 'big-host' },
    packages,
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
  const { body, sent } = streamed(JSON.stringify(inventory));
  const post = fetch(`${s.base}/v1/accounts/acct-a/resources/big-host/inventory`, {
    method: 'POST',
    headers: { authorization: `Bearer ${s.keys.memberA}`, 'content-type': 'application/json' },
    body,
    duplex: 'half',
  }).then(async (r) => ({ status: r.status, json: await r.json() }));
  const answered = await healthAnswersDuring(s.base, post, sent);
  expect(await post).toMatchObject({ status: 200, json: { packages: n, created: 2 } });
  expect(answered).toBeGreaterThanOrEqual(10);
});

it('a findings report is built off the event loop: /health answers while it builds', async () => {
  const findings: Finding[] = Array.from({ length: 5000 }, (_, i) => ({
    ...randomFinding(rng(i + 1), i),
    id: `report-${i}`,
    status: 'ACTIVE',
    resources: [{ id: 'host-a1', type: 'HOST', details: {} }],
  }));
  const now = new Date('2026-03-02T00:00:00.000Z');
  await applyScanOfResource(db.kysely, { accountId: 'acct-a', resourceId: 'host-a1', findings, now });
  const queued = await call(reports.base, s.keys.adminA, 'POST', '/v1/reports', { format: 'JSON' });
  expect(queued.status).toBe(202);
  const reportId = (queued.json as { reportId: string }).reportId;

  const answered = await healthAnswersDuring(reports.base, reports.runWorker(), Promise.resolve());
  const status = await call(reports.base, s.keys.adminA, 'GET', `/v1/reports/${reportId}`);
  expect(status.json).toMatchObject({ status: 'SUCCEEDED' });
  expect(answered).toBeGreaterThanOrEqual(5);
});

it('a body read on a worker thread is refused as the server parser refuses one: depth, __proto__, schema', async () => {
  const post = async (text: string) => {
    const res = await fetch(`${s.base}/v1/accounts/acct-a/resources/h-1/inventory`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.keys.memberA}`, 'content-type': 'application/json' },
      body: text,
    });
    return { status: res.status, code: ((await res.json()) as { code: string }).code };
  };
  const inventory = (extra: string) =>
    `{"schemaVersion":1,"source":{"type":"host","target":"h"},"packages":[],"unknowns":[],` +
    `"catalogers":{},"createdAt":"2026-03-01T00:00:00Z"${extra}}`;
  const deep = '{"a":'.repeat(10_000) + '1' + '}'.repeat(10_000);
  expect(await post(inventory(`,"os":${deep}`))).toEqual({ status: 400, code: 'JSON_TOO_DEEP' });
  expect(await post(inventory(',"__proto__":{"polluted":true}'))).toEqual({
    status: 400,
    code: 'MALFORMED_JSON',
  });
  expect(await post(inventory(',"constructor":{"prototype":{"polluted":true}}'))).toEqual({
    status: 400,
    code: 'MALFORMED_JSON',
  });
  expect(await post('{"schemaVersion":1')).toEqual({ status: 400, code: 'MALFORMED_JSON' });
  expect(await post(inventory('').replace('"packages":[]', '"packages":[{"id":"x"}]'))).toEqual({
    status: 400,
    code: 'VALIDATION',
  });
});

it('a worker thread matches as the scan service does in-process: same findings, CVSS severity included', async () => {
  // A Debian advisory scored CVSS 9.8 and an npm one rated HIGH, imported by vigil's importer.
  const fleet = await openFleetVulnDb();
  const task = {
    kind: 'scan-inventory' as const,
    inventory: debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' }) as unknown as Inventory,
    accountId: 'acct-a',
    now: '2026-03-01T00:00:00.000Z',
    resource: { id: 'h-1', type: 'HOST' as const, details: {} },
  };
  const findingsOn = async (threads: number): Promise<Finding[]> => {
    const pool = new WorkerPool({ threads, maxQueuedSubmissions: 1, vulns: fleet.vulns.store });
    try {
      return JSON.parse((await pool.run(task)).findingsJson) as Finding[];
    } finally {
      await pool.close();
    }
  };
  try {
    const inline = await findingsOn(0);
    const threaded = await findingsOn(1);
    expect(inline.map((f) => f.severity).sort()).toEqual(['CRITICAL', 'HIGH']);
    expect(threaded).toEqual(inline);
  } finally {
    await fleet.close();
  }
});

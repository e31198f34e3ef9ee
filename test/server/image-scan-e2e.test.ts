import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout } from '../image/fixtures/oci-layout-writer.js';
import { push, startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { openMatchingDb } from '../matching/fixtures/matching-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
let tmp: string;
let db: ServiceDb;
let vulns: VulnDb;
let reg: RunningRegistry;
let s: Seeded;
let app: FastifyInstance;
let base: string;
let digest: string;
const cacheBefore = process.env['VIGIL_CACHE_DIR'];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-image-scan-api-'));
  process.env['VIGIL_CACHE_DIR'] = join(tmp, 'cache');
  vulns = await openMatchingDb();
  await backend.setup();
  db = (await backend.fresh()).db;
  // Accounts and keys from the shared seed; the server under test runs its worker only when told.
  s = await seedAndListen(db, 0);
  await s.app.close();
  app = await buildServer({ db, store: vulns.store, background: false, config: LOOPBACK_EGRESS });
  base = await app.listen({ port: 0, host: '127.0.0.1' });

  const root = await debianRootfs({ suite: 'bookworm' });
  // glibc set back to bookworm's first version, so the image has findings with a fix.
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const layer = await tarBytes([
    { name: 'etc/os-release', body: readFileSync(join(root, 'usr/lib/os-release'), 'utf8') },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  const layout = writeOciLayout(join(tmp, 'layout'), [{ tar: layer }], 'v1');
  reg = await startRegistry('none');
  await push(layout.dir, 'v1', reg, 'team/app:v1');
  const head = await fetch(`http://${reg.host}/v2/team/app/manifests/v1`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json' },
  });
  digest = head.headers.get('docker-content-digest') ?? '';
}, 600_000);
afterAll(async () => {
  await app.close();
  await reg.stop();
  await db.close();
  await vulns.close();
  await backend.teardown();
  rmSync(tmp, { recursive: true, force: true });
  if (cacheBefore === undefined) delete process.env['VIGIL_CACHE_DIR'];
  else process.env['VIGIL_CACHE_DIR'] = cacheBefore;
});

const worker = async (): Promise<void> => app.vigil.tasks.find((t) => t.name === 'scan-worker')?.runOnce();
const scans = '/v1/accounts/acct-a/image-scans';
const counts = async (): Promise<Record<string, number>> => {
  const out: Record<string, number> = {};
  for (const t of ['resources', 'inventories', 'findings', 'outbox'] as const) {
    const r = await db.kysely
      .selectFrom(t)
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
};

it('scans an image from a registry end to end: queued, run by the worker, resource by digest, findings, inventory, event', async () => {
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const queued = await call(base, s.keys.memberA, 'POST', scans, { reference: `${reg.host}/team/app:v1` });
  expect(queued).toMatchObject({ status: 202, json: { status: 'QUEUED' } });
  const scanId = (queued.json as { scanId: string }).scanId;
  const path = `/v1/accounts/acct-a/scans/${scanId}`;
  expect((await call(base, s.keys.readOnlyA, 'GET', path)).json).toMatchObject({
    status: 'QUEUED',
    kind: 'image',
  });

  await worker();
  const done = (await call(base, s.keys.readOnlyA, 'GET', path)).json as {
    status: string;
    resourceId: string;
    summary: { created: number; packages: number };
  };
  expect(done).toMatchObject({ status: 'SUCCEEDED', resourceId: digest, error: null });
  expect(done.summary.created).toBeGreaterThan(20);
  expect(done.summary.packages).toBeGreaterThan(50);

  const details = {
    repositoryName: `${reg.host}/team/app`,
    imageTags: ['v1'],
    imageHash: digest,
    registry: reg.host,
    platform: 'linux/amd64',
  };
  const res = await call(base, s.keys.memberA, 'GET', `/v1/accounts/acct-a/resources/${digest}`);
  expect(res.json).toMatchObject({ id: digest, type: 'CONTAINER_IMAGE', details });
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
  );
  const list = (await call(base, s.keys.memberA, 'GET', `/v1/findings?filter=${filter}&maxResults=100`))
    .json as { findings: Finding[] };
  expect(list.findings.length).toBe(Math.min(done.summary.created, 100));
  expect(list.findings[0]?.resources).toEqual([{ id: digest, type: 'CONTAINER_IMAGE', details, tags: {} }]);
  expect(list.findings.some((f) => f.fixAvailable === 'YES' && f.title.includes('libc6'))).toBe(true);

  const inv = await db.kysely
    .selectFrom('inventories')
    .selectAll()
    .where('resource_id', '=', digest)
    .executeTakeFirstOrThrow();
  expect(inv.inventory_json).toContain('"name":"libc6"');
  // The image config's Env (secrets live there) is not stored.
  expect(inv.inventory_json).not.toContain('PATH=/usr/bin');
  const completed = await db.kysely
    .selectFrom('outbox')
    .select('payload_json')
    .where('type', '=', 'vigil.scan.completed')
    .execute();
  expect(completed.map((e) => JSON.parse(e.payload_json) as unknown)).toEqual([
    expect.objectContaining({ scanId, kind: 'image', resourceId: digest, created: done.summary.created }),
  ]);

  // The same image again: every finding observed, none created or closed (identity is stable).
  const again = await call(base, s.keys.memberA, 'POST', scans, {
    reference: `${reg.host}/team/app@${digest}`,
  });
  await worker();
  const second = (
    await call(
      base,
      s.keys.memberA,
      'GET',
      `/v1/accounts/acct-a/scans/${(again.json as { scanId: string }).scanId}`,
    )
  ).json as { summary: Record<string, number> };
  expect(second.summary).toMatchObject({ created: 0, closed: 0, updated: 0, observed: done.summary.created });
  const listed = (await call(base, s.keys.memberA, 'GET', '/v1/accounts/acct-a/scans')).json as {
    scans: unknown[];
  };
  expect(listed.scans).toHaveLength(2);
  expect((await call(base, s.keys.memberB, 'GET', path)).status).toBe(404);
}, 300_000);

it('an image that is not in the registry: the scan FAILS with a stable code and nothing else is written', async () => {
  const before = await counts();
  const r = await call(base, s.keys.memberA, 'POST', scans, { reference: `${reg.host}/team/missing:v1` });
  await worker();
  const scan = await call(
    base,
    s.keys.memberA,
    'GET',
    `/v1/accounts/acct-a/scans/${(r.json as { scanId: string }).scanId}`,
  );
  expect(scan.json).toMatchObject({
    status: 'FAILED',
    summary: null,
    resourceId: null,
    error: { code: 'IMAGE_NOT_FOUND' },
  });
  expect(await counts()).toEqual(before);
});

it('a scan left RUNNING by a stopped server is queued again and run', async () => {
  await db.kysely
    .insertInto('scans')
    .values({
      id: 'crashed-1',
      account_id: 'acct-a',
      resource_id: null,
      kind: 'image',
      status: 'RUNNING',
      request_json: JSON.stringify({ reference: `${reg.host}/team/app:v1` }),
      summary_json: null,
      error_json: null,
      created_at: '2026-03-01T00:00:00.000Z',
      started_at: '2026-03-01T00:00:01.000Z',
      finished_at: null,
    })
    .execute();
  const restarted = await buildServer({ db, store: vulns.store, background: false, config: LOOPBACK_EGRESS });
  try {
    await restarted.vigil.tasks.find((t) => t.name === 'scan-worker')?.runOnce();
  } finally {
    await restarted.close();
  }
  const row = await db.kysely
    .selectFrom('scans')
    .selectAll()
    .where('id', '=', 'crashed-1')
    .executeTakeFirstOrThrow();
  expect(row).toMatchObject({ status: 'SUCCEEDED', resource_id: digest });
}, 300_000);

it('refuses what the server must not scan, and what the account switched off', async () => {
  for (const reference of [`oci:${tmp}/layout:v1`, 'docker-archive:/etc/passwd', 'UPPER/Case:x']) {
    const r = await call(base, s.keys.memberA, 'POST', scans, { reference });
    expect(r).toMatchObject({ status: 400, json: { code: 'INVALID_IMAGE_REFERENCE' } });
  }
  await db.kysely.updateTable('accounts').set({ image_scanning: 0 }).where('id', '=', 'acct-a').execute();
  try {
    const r = await call(base, s.keys.memberA, 'POST', scans, { reference: `${reg.host}/team/app:v1` });
    expect(r).toMatchObject({
      status: 409,
      json: { code: 'SCANNING_DISABLED', details: { scanType: 'image' } },
    });
  } finally {
    await db.kysely.updateTable('accounts').set({ image_scanning: 1 }).where('id', '=', 'acct-a').execute();
  }
  expect((await call(base, s.keys.readOnlyA, 'POST', scans, { reference: 'x/y' })).status).toBe(403);
  const noDb = await buildServer({ db, background: false });
  try {
    const r = await noDb.inject({
      method: 'POST',
      url: scans,
      headers: { authorization: `Bearer ${s.keys.memberA}` },
      payload: { reference: `${reg.host}/team/app:v1` },
    });
    expect(r.statusCode).toBe(503);
  } finally {
    await noDb.close();
  }
});

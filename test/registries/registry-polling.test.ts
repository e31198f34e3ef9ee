import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import { RegistryApi } from '../../src/source/image/registry/registry-catalog.js';
import { createOpenEgress } from '../../src/egress/egress-client.js';
import { applyRegistryEvents } from '../../src/scan/registry-events.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout } from '../image/fixtures/oci-layout-writer.js';
import {
  PASSWORD,
  push,
  startRegistry,
  USER,
  type RunningRegistry,
} from '../image/fixtures/registry-server.js';
import { openMatchingDb } from '../matching/fixtures/matching-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen } from '../server/api-server.js';
import { BACKENDS } from '../server/service-db-backends.js';

/**
 * Polling a registry that sends no notifications, with htpasswd auth and the credentials stored in
 * vigil: `_catalog` and `tags/list` (Link pagination), only included repositories, new tags scanned,
 * vanished images terminated; a wrong password is ACCESS_DENIED for the poll, the check and a scan.
 */
const A = '/v1/accounts/acct-a';
const BASIC = `Basic ${Buffer.from(`${USER}:${PASSWORD}`).toString('base64')}`;
let tmp: string;
let vulns: VulnDb;
let reg: RunningRegistry;
let digest: string;
let otherLayout: string;
const creds = ['--dest-creds', `${USER}:${PASSWORD}`];

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-registry-poll-'));
  vulns = await openMatchingDb();
  reg = await startRegistry('htpasswd');
  const root = await debianRootfs({ suite: 'bookworm' });
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const osRelease = readFileSync(join(root, 'usr/lib/os-release'), 'utf8');
  const files = [
    { name: 'etc/os-release', body: osRelease },
    { name: 'var/lib/dpkg/status', body: status },
  ];
  const layout = writeOciLayout(join(tmp, 'layout'), [{ tar: await tarBytes(files) }], 'v1').dir;
  otherLayout = writeOciLayout(
    join(tmp, 'other'),
    [{ tar: await tarBytes([...files, { name: 'srv/x', body: 'x' }]) }],
    'v1',
  ).dir;
  for (const dest of ['team/app:v1', 'team/app:v2', 'other/lib:v1'])
    await push(layout, 'v1', reg, dest, creds);
  const head = await fetch(`http://${reg.host}/v2/team/app/manifests/v1`, {
    method: 'HEAD',
    headers: { accept: 'application/vnd.oci.image.manifest.v1+json', authorization: BASIC },
  });
  digest = head.headers.get('docker-content-digest') ?? '';
}, 600_000);
afterAll(async () => {
  await reg.stop();
  await vulns.close();
  rmSync(tmp, { recursive: true, force: true });
});

it('lists every repository and tag through Link pagination, one name per page', async () => {
  const api = new RegistryApi(reg.host, {
    egress: createOpenEgress(),
    credentials: { username: USER, password: PASSWORD },
    pageSize: 1,
  });
  const repos: string[] = [];
  for await (const r of api.repositories()) repos.push(r);
  expect(repos).toEqual(['other/lib', 'team/app']);
  const tags: string[] = [];
  for await (const t of api.tags('team/app')) tags.push(t);
  expect(tags).toEqual(['v1', 'v2']);
  // Without credentials the registry refuses: a clear auth error, not an empty list.
  const anon = new RegistryApi(reg.host, { egress: createOpenEgress() });
  await expect(anon.repositories().next()).rejects.toMatchObject({ code: 'REGISTRY_AUTH_FAILED' });
});

describe.each(BACKENDS.map((make) => [make().name, make] as const))('polling (%s)', (_n, make) => {
  const backend = make();
  let app: FastifyInstance;
  let base: string;
  let keys: { adminA: string; readOnlyA: string };
  let registryId: string;
  let db: ServiceDb;
  const worker = async (): Promise<void> => app.vigil.tasks.find((t) => t.name === 'scan-worker')?.runOnce();
  const coverageOf = async (d: string): Promise<unknown> => {
    const filter = encodeURIComponent(JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: d }] }));
    const r = await call(base, keys.readOnlyA, 'GET', `/v1/coverage?filter=${filter}`);
    return (r.json as { coveredResources: Array<{ scanStatus: unknown }> }).coveredResources[0]?.scanStatus;
  };

  beforeAll(async () => {
    await backend.setup();
    ({ db } = await backend.fresh());
    const s = await seedAndListen(db, 0);
    await s.app.close();
    keys = s.keys;
    app = await buildServer({ db, store: vulns.store, background: false, config: LOOPBACK_EGRESS });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
    const created = await call(base, keys.adminA, 'POST', `${A}/registries`, {
      name: 'htpasswd',
      url: reg.host,
      credentials: { username: USER, password: PASSWORD },
      discovery: 'POLLING',
      pollInterval: 60,
    });
    registryId = (created.json as { id: string }).id;
    const rules = [{ repositoryFilter: 'team/*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' }];
    expect((await call(base, keys.adminA, 'PUT', `${A}/image-scanning`, { rules })).status).toBe(200);
  }, 120_000);
  afterAll(async () => {
    await app.close();
    await db.close();
    await backend.teardown();
  });

  it('finds the image by polling, scans it once, and terminates it when it leaves the registry', async () => {
    const poll = await call(base, keys.adminA, 'POST', `${A}/registries/${registryId}/poll`);
    // other/lib is in the catalog but under no rule: its tags are never listed.
    expect(poll).toMatchObject({
      status: 200,
      json: { repositories: 1, tags: 2, scansQueued: 1, error: null },
    });
    await worker();
    expect(await coverageOf(digest)).toMatchObject({ statusCode: 'ACTIVE', reason: 'SUCCESSFUL' });
    const res = await call(base, keys.readOnlyA, 'GET', `${A}/resources/${digest}`);
    expect(res.json).toMatchObject({
      details: { repositoryName: `${reg.host}/team/app`, imageTags: ['v1', 'v2'] },
    });
    const filter = encodeURIComponent(
      JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
    );
    const findings = (await call(base, keys.readOnlyA, 'GET', `/v1/findings?filter=${filter}`)).json as {
      findings: unknown[];
    };
    expect(findings.findings.length).toBeGreaterThan(5);
    // Nothing new: nothing queued.
    expect((await call(base, keys.adminA, 'POST', `${A}/registries/${registryId}/poll`)).json).toMatchObject({
      scansQueued: 0,
      deleted: 0,
    });
    const reg0 = (await call(base, keys.readOnlyA, 'GET', `${A}/registries/${registryId}`)).json as {
      lastPolledAt: string | null;
    };
    expect(reg0.lastPolledAt).not.toBeNull();
  }, 120_000);

  it('a wrong password: the poll and the check say ACCESS_DENIED; a scan with it shows ACCESS_DENIED in coverage', async () => {
    await call(base, keys.adminA, 'PATCH', `${A}/registries/${registryId}`, {
      credentials: { username: USER, password: 'not-the-password' },
    });
    const poll = await call(base, keys.adminA, 'POST', `${A}/registries/${registryId}/poll`);
    expect(poll.json).toMatchObject({ error: { code: 'ACCESS_DENIED' }, scansQueued: 0, deleted: 0 });
    expect((await call(base, keys.readOnlyA, 'GET', `${A}/registries/${registryId}`)).json).toMatchObject({
      pollError: { code: 'ACCESS_DENIED' },
    });
    expect((await call(base, keys.adminA, 'POST', `${A}/registries/${registryId}/check`)).json).toMatchObject(
      { code: 'ACCESS_DENIED' },
    );
    // Scanning with the wrong password: a new image, told of as a notification tells it.
    await push(otherLayout, 'v1', reg, `team/app:v3-${backend.name}`, creds);
    const head = await fetch(`http://${reg.host}/v2/team/app/manifests/v3-${backend.name}`, {
      method: 'HEAD',
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json', authorization: BASIC },
    });
    const other = head.headers.get('docker-content-digest') ?? '';
    const row = await app.vigil.ctx.db
      .selectFrom('registries')
      .selectAll()
      .where('id', '=', registryId)
      .executeTakeFirstOrThrow();
    await applyRegistryEvents(app.vigil.ctx, row, [
      {
        action: 'push',
        repository: 'team/app',
        digest: other,
        tag: 'v3',
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        at: new Date().toISOString(),
      },
    ]);
    await worker();
    expect(await coverageOf(other)).toMatchObject({ statusCode: 'INACTIVE', reason: 'ACCESS_DENIED' });

    // The right password again: the manifest deleted in the registry is terminated by the next poll.
    await call(base, keys.adminA, 'PATCH', `${A}/registries/${registryId}`, {
      credentials: { username: USER, password: PASSWORD },
    });
    const del = await fetch(`http://${reg.host}/v2/team/app/manifests/${other}`, {
      method: 'DELETE',
      headers: { authorization: BASIC },
    });
    expect(del.status).toBe(202);
    const after = await call(base, keys.adminA, 'POST', `${A}/registries/${registryId}/poll`);
    expect(after.json).toMatchObject({ error: null, deleted: 1 });
    expect(await coverageOf(other)).toMatchObject({ statusCode: 'INACTIVE', reason: 'RESOURCE_TERMINATED' });
    expect(await coverageOf(digest)).toMatchObject({ statusCode: 'ACTIVE', reason: 'SUCCESSFUL' });
  }, 120_000);
});

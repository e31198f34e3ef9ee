import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { tarBytes, writeOciLayout } from '../image/fixtures/oci-layout-writer.js';
import { push, startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { openMatchingDb } from '../matching/fixtures/matching-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from '../server/api-server.js';
import { sqliteBackend } from '../server/service-db-backends.js';
import { manifestSize, pushArtifact, pushIndex } from './fixtures/registry-push.js';

/**
 * Debian's docker-registry with a `notifications:` endpoint pointing at a real vigil server on
 * 127.0.0.1: pushes with skopeo (and artifacts through the registry API) make findings and coverage
 * appear with no API call; a manifest deleted through the registry API closes them. Bad notifications
 * get stable codes and scan nothing.
 */
const backend = sqliteBackend();
const TESTDATA = join(import.meta.dirname, '../../src/resources/registries/testdata');
let tmp: string;
let db: ServiceDb;
let vulns: VulnDb;
let reg: RunningRegistry;
let s: Seeded;
let app: FastifyInstance;
let base: string;
let registryId: string;
let secret: string;
let layoutDir: string;
let otherLayoutDir: string;
const cacheBefore = process.env['VIGIL_CACHE_DIR'];
const A = '/v1/accounts/acct-a';

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms = 90_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function coverageOf(
  digest: string,
): Promise<{ statusCode: string; reason: string; message?: string } | undefined> {
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
  );
  const r = await call(base, s.keys.readOnlyA, 'GET', `/v1/coverage?filter=${filter}`);
  const list = (
    r.json as {
      coveredResources?: Array<{ scanStatus: { statusCode: string; reason: string; message?: string } }>;
    }
  ).coveredResources;
  return list?.[0]?.scanStatus;
}

async function headDigest(repo: string, tag: string): Promise<string> {
  const head = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, {
    method: 'HEAD',
    headers: {
      accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json',
    },
  });
  return head.headers.get('docker-content-digest') ?? '';
}

const notify = (
  body: unknown,
  auth: string | undefined,
  id = registryId,
  type = 'application/vnd.docker.distribution.events.v2+json',
) =>
  fetch(`${base}/v1/registry-events/${id}`, {
    method: 'POST',
    headers: { 'content-type': type, ...(auth ? { authorization: auth } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });

const scanCount = async (): Promise<number> =>
  Number(
    (
      await db.kysely
        .selectFrom('scans')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-registry-notify-'));
  process.env['VIGIL_CACHE_DIR'] = join(tmp, 'cache');
  vulns = await openMatchingDb();
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db, 0);
  await s.app.close();
  app = await buildServer({ db, store: vulns.store, config: { ...LOOPBACK_EGRESS, pollIntervalMs: 100 } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });

  // The registry is created in vigil first: its id and secret go into the registry's config.
  const created = await call(base, s.keys.adminA, 'POST', `${A}/registries`, {
    name: 'local',
    url: '127.0.0.1:1',
    discovery: 'NOTIFICATIONS',
  });
  ({ id: registryId, notificationSecret: secret } = created.json as {
    id: string;
    notificationSecret: string;
  });
  const notifications = [
    'notifications:',
    '  endpoints:',
    '    - name: vigil',
    `      url: ${base}/v1/registry-events/${registryId}`,
    '      headers:',
    `        Authorization: [Bearer ${secret}]`,
    '      timeout: 5s',
    '      threshold: 3',
    '      backoff: 1s',
    '      ignoredmediatypes:',
    '        - application/octet-stream',
    '',
  ].join('\n');
  reg = await startRegistry('none', notifications);
  expect(
    (await call(base, s.keys.adminA, 'PATCH', `${A}/registries/${registryId}`, { url: reg.host })).status,
  ).toBe(200);
  const rules = [{ repositoryFilter: 'team/*', filterType: 'WILDCARD', scanFrequency: 'CONTINUOUS_SCAN' }];
  expect((await call(base, s.keys.adminA, 'PUT', `${A}/image-scanning`, { rules })).status).toBe(200);

  const root = await debianRootfs({ suite: 'bookworm' });
  // glibc set back to bookworm's first version, so the image has findings with a fix.
  const status = readFileSync(join(root, 'var/lib/dpkg/status'), 'utf8').replace(
    /^(Package: (?:libc6|libc-bin)\n(?:(?!\n\n)[\s\S])*?^Version: ).+$/gm,
    '$12.36-9',
  );
  const osRelease = readFileSync(join(root, 'usr/lib/os-release'), 'utf8');
  const layer = await tarBytes([
    { name: 'etc/os-release', body: osRelease },
    { name: 'var/lib/dpkg/status', body: status },
  ]);
  layoutDir = writeOciLayout(join(tmp, 'layout'), [{ tar: layer }], 'v1').dir;
  const other = await tarBytes([
    { name: 'etc/os-release', body: osRelease },
    { name: 'var/lib/dpkg/status', body: status },
    { name: 'srv/other.txt', body: 'another image' },
  ]);
  otherLayoutDir = writeOciLayout(join(tmp, 'other'), [{ tar: other }], 'v1').dir;
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

it('skopeo copy to the registry makes findings appear with no API call; deleting the manifest closes them', async () => {
  await push(layoutDir, 'v1', reg, 'team/app:v1');
  const digest = await headDigest('team/app', 'v1');
  expect(digest).toMatch(/^sha256:[0-9a-f]{64}$/);
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: digest }] }),
  );
  const findings = await until('findings of the pushed image', async () => {
    const r = await call(base, s.keys.readOnlyA, 'GET', `/v1/findings?filter=${filter}&maxResults=100`);
    const list = (
      r.json as {
        findings: Array<{ status: string; resources: Array<{ details: Record<string, unknown> }> }>;
      }
    ).findings;
    return list.length > 0 ? list : undefined;
  });
  expect(findings.length).toBeGreaterThan(5);
  expect(findings[0]?.resources[0]?.details).toMatchObject({
    repositoryName: `${reg.host}/team/app`,
    imageTags: ['v1'],
    imageHash: digest,
    registryId,
  });
  expect(await coverageOf(digest)).toMatchObject({ statusCode: 'ACTIVE', reason: 'SUCCESSFUL' });
  // The one scan was the registry's doing: queued by the notification, read with the registry's settings.
  const scans = (await call(base, s.keys.readOnlyA, 'GET', `${A}/scans`)).json as {
    scans: Array<{ request: Record<string, unknown>; status: string }>;
  };
  expect(scans.scans).toEqual([
    expect.objectContaining({
      status: 'SUCCEEDED',
      request: expect.objectContaining({ registryId, digest }) as unknown,
    }),
  ]);

  const del = await fetch(`http://${reg.host}/v2/team/app/manifests/${digest}`, { method: 'DELETE' });
  expect(del.status).toBe(202);
  await until('findings closed by the delete', async () => {
    const r = await call(base, s.keys.readOnlyA, 'GET', `/v1/findings?filter=${filter}&maxResults=100`);
    const list = (r.json as { findings: Array<{ status: string }> }).findings;
    return list.length > 0 && list.every((f) => f.status === 'CLOSED') ? true : undefined;
  });
  expect(await coverageOf(digest)).toMatchObject({ statusCode: 'INACTIVE', reason: 'RESOURCE_TERMINATED' });
}, 180_000);

it('a push to a repository no rule includes is not scanned, and coverage says why', async () => {
  const before = await scanCount();
  await push(otherLayoutDir, 'v1', reg, 'elsewhere/tool:v1');
  const digest = await headDigest('elsewhere/tool', 'v1');
  const cov = await until('coverage of the excluded image', () => coverageOf(digest));
  expect(cov).toMatchObject({
    statusCode: 'INACTIVE',
    reason: 'EXCLUDED_BY_RULE',
    message: expect.stringContaining('elsewhere/tool') as unknown,
  });
  expect(await scanCount()).toBe(before);
}, 120_000);

it('a Helm chart and an index without linux/amd64 are not images: UNSUPPORTED_MEDIA_TYPE and UNSUPPORTED_OS', async () => {
  const chart = await pushArtifact(
    reg.host,
    'team/chart',
    '0.1.0',
    {
      mediaType: 'application/vnd.cncf.helm.config.v1+json',
      body: { name: 'chart', version: '0.1.0', apiVersion: 'v2' },
    },
    {
      mediaType: 'application/vnd.cncf.helm.chart.content.v1.tar+gzip',
      bytes: Buffer.from('not really a chart'),
    },
  );
  const armOnly = await pushArtifact(
    reg.host,
    'team/arm',
    'arm64',
    {
      mediaType: 'application/vnd.oci.image.config.v1+json',
      body: { architecture: 'arm64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } },
    },
    {
      mediaType: 'application/vnd.oci.image.layer.v1.tar',
      bytes: await tarBytes([{ name: 'x', body: 'y' }]),
    },
  );
  const index = await pushIndex(
    reg.host,
    'team/arm',
    'multi',
    armOnly,
    await manifestSize(reg.host, 'team/arm', armOnly),
    {
      os: 'linux',
      architecture: 'arm64',
    },
  );
  const settled = (d: string) => async () => {
    const c = await coverageOf(d);
    return c && c.reason !== 'PENDING_INITIAL_SCAN' ? c : undefined;
  };
  expect(await until('chart coverage', settled(chart))).toMatchObject({
    statusCode: 'INACTIVE',
    reason: 'UNSUPPORTED_MEDIA_TYPE',
  });
  expect(await until('index coverage', settled(index))).toMatchObject({
    statusCode: 'INACTIVE',
    reason: 'UNSUPPORTED_OS',
  });
  // The server keeps serving.
  expect((await fetch(`${base}/health`)).status).toBe(200);
}, 120_000);

it('bad notifications: no or forged secret 401, unknown registry 404, malformed 400; nothing is scanned', async () => {
  const before = await scanCount();
  const event = {
    events: [
      {
        action: 'push',
        timestamp: '2026-01-01T00:00:00Z',
        target: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'e'.repeat(64)}`,
          repository: 'team/forged',
          tag: 'v1',
        },
      },
    ],
  };
  const cases: Array<[Response, number, string]> = [
    [await notify(event, undefined), 401, 'NOTIFICATION_SECRET_INVALID'],
    [await notify(event, `Bearer ${secret.slice(0, -2)}xx`), 401, 'NOTIFICATION_SECRET_INVALID'],
    [await notify(event, `Bearer ${s.keys.adminA}`), 401, 'NOTIFICATION_SECRET_INVALID'],
    [await notify(event, `Bearer ${secret}`, '00000000-0000-4000-8000-000000000000'), 404, 'NOT_FOUND'],
    [await notify({ event: 'push' }, `Bearer ${secret}`), 400, 'REGISTRY_EVENT_INVALID'],
    [await notify('{"events": [', `Bearer ${secret}`), 400, 'MALFORMED_JSON'],
    [await notify(event, `Bearer ${secret}`, registryId, 'application/xml'), 415, 'UNSUPPORTED_MEDIA_TYPE'],
  ];
  for (const [res, status, code] of cases)
    expect({ status: res.status, code: ((await res.json()) as { code: string }).code }).toEqual({
      status,
      code,
    });
  expect(await scanCount()).toBe(before);
  expect(
    await db.kysely
      .selectFrom('registry_images')
      .select('resource_id')
      .where('repository', '=', 'team/forged')
      .execute(),
  ).toEqual([]);
});

it('1,000 identical push notifications make one scan', async () => {
  const digest = `sha256:${'f'.repeat(64)}`;
  const event = {
    events: [
      {
        action: 'push',
        timestamp: '2026-01-01T00:00:00Z',
        target: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest,
          repository: 'team/burst',
          tag: 'v1',
        },
      },
    ],
  };
  const before = await scanCount();
  const statuses: number[] = [];
  for (let i = 0; i < 1000; i += 50)
    statuses.push(
      ...(await Promise.all(
        Array.from({ length: 50 }, async () => (await notify(event, `Bearer ${secret}`)).status),
      )),
    );
  expect(statuses.every((st) => st === 202)).toBe(true);
  expect(await scanCount()).toBe(before + 1);
});

it("Harbor's documented PUSH_ARTIFACT and DELETE_ARTIFACT payloads", async () => {
  const pushBody = readFileSync(join(TESTDATA, 'harbor-push-artifact.json'), 'utf8');
  const res = await notify(pushBody, `Bearer ${secret}`, registryId, 'application/json');
  // test-webhook/debian is under no rule here: recorded, not scanned.
  expect(await res.json()).toMatchObject({ events: 1, excluded: 1, scansQueued: 0 });
  const digest = 'sha256:8a9e9863dbb6e10edb5adfe917c00da84e1700fa76e7ed02476aa6e6fb8ee0d8';
  expect(await coverageOf(digest)).toMatchObject({ reason: 'EXCLUDED_BY_RULE' });
  const resource = await call(base, s.keys.readOnlyA, 'GET', `${A}/resources/${digest}`);
  expect(resource.json).toMatchObject({
    type: 'CONTAINER_IMAGE',
    details: {
      repositoryName: `${reg.host}/test-webhook/debian`,
      imageTags: ['latest'],
      pushedAt: '2020-04-15T03:45:08.000Z',
    },
  });
  const delBody = readFileSync(join(TESTDATA, 'harbor-delete-artifact.json'), 'utf8');
  expect(
    await (await notify(delBody, `Bearer ${secret}`, registryId, 'application/json')).json(),
  ).toMatchObject({ deleted: 1 });
  expect(await coverageOf(digest)).toMatchObject({ statusCode: 'INACTIVE', reason: 'RESOURCE_TERMINATED' });
});

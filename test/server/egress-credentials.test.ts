import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openImage } from '../../src/source/image/image-open.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { tarBytes, writeOciLayout } from '../image/fixtures/oci-layout-writer.js';
import { push, startRegistry, type RunningRegistry } from '../image/fixtures/registry-server.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const OPERATOR_AUTH = Buffer.from('operator:op-s3cret').toString('base64');
const backend = sqliteBackend();
let tmp: string;
let db: ServiceDb;
let vulns: VulnDb;
let reg: RunningRegistry;
let proxy: Server;
let proxyHost: string;
let s: Seeded;
let app: FastifyInstance;
let base: string;
/** Every request the registry front saw: path and Authorization header. */
const seen: Array<{ path: string; authorization: string | undefined }> = [];
const dockerConfigBefore = process.env['DOCKER_CONFIG'];

/**
 * Debian's docker-registry behind a front on 127.0.0.1 that records every Authorization header and
 * asks for Docker Hub style bearer tokens, which its token endpoint grants to anyone (anonymous pulls).
 */
async function startRecordingFront(upstream: string): Promise<Server> {
  const server = createServer((req, res) => {
    const path = req.url ?? '/';
    seen.push({ path, authorization: req.headers.authorization });
    if (path.startsWith('/token')) {
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end('{"token":"anon-token","expires_in":300}');
      return;
    }
    if (req.headers.authorization !== 'Bearer anon-token') {
      const realm = `http://${proxyHost}/token`;
      res.writeHead(401, { 'www-authenticate': `Bearer realm="${realm}",service="front"` }).end();
      return;
    }
    const { authorization: _a, host: _h, ...headers } = req.headers;
    const up = request(`http://${upstream}${path}`, { method: req.method ?? 'GET', headers }, (r) => {
      res.writeHead(r.statusCode ?? 502, r.headers);
      r.pipe(res);
    });
    up.on('error', () => res.destroy());
    up.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), 'vigil-egress-creds-'));
  vulns = await openVulnDb(join(tmp, 'vulns.sqlite'));
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db, 0);
  await s.app.close();
  app = await buildServer({ db, store: vulns.store, background: false, config: LOOPBACK_EGRESS });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  const layer = await tarBytes([{ name: 'etc/os-release', body: 'ID=debian\nVERSION_ID="12"\n' }]);
  const layout = writeOciLayout(join(tmp, 'layout'), [{ tar: layer }], 'v1');
  reg = await startRegistry('none');
  await push(layout.dir, 'v1', reg, 'team/app:v1');
  proxy = await startRecordingFront(reg.host);
  proxyHost = `127.0.0.1:${(proxy.address() as { port: number }).port}`;
  // The operator's own docker login for exactly this registry (set after skopeo's push).
  mkdirSync(join(tmp, 'docker'));
  writeFileSync(
    join(tmp, 'docker/config.json'),
    JSON.stringify({ auths: { [proxyHost]: { auth: OPERATOR_AUTH } } }),
  );
  process.env['DOCKER_CONFIG'] = join(tmp, 'docker');
}, 300_000);
afterAll(async () => {
  if (dockerConfigBefore === undefined) delete process.env['DOCKER_CONFIG'];
  else process.env['DOCKER_CONFIG'] = dockerConfigBefore;
  await app.close();
  proxy.closeAllConnections();
  await new Promise((r) => proxy.close(r));
  await reg.stop();
  await db.close();
  await vulns.close();
  await backend.teardown();
  rmSync(tmp, { recursive: true, force: true });
});

it("a server scan never sends the operator's DOCKER_CONFIG credentials, and an anonymous bearer pull still works", async () => {
  seen.length = 0;
  const r = await call(base, s.keys.memberB, 'POST', '/v1/accounts/acct-b/image-scans', {
    reference: `${proxyHost}/team/app:v1`,
  });
  expect(r.status).toBe(202);
  await app.vigil.tasks.find((t) => t.name === 'scan-worker')!.runOnce();
  const scan = await call(
    base,
    s.keys.memberB,
    'GET',
    `/v1/accounts/acct-b/scans/${(r.json as { scanId: string }).scanId}`,
  );
  expect(scan.json).toMatchObject({ status: 'SUCCEEDED', error: null });
  // The pull went through the front: a token asked for anonymously, then the manifest with it.
  expect(seen.some((q) => q.path.startsWith('/token') && q.authorization === undefined)).toBe(true);
  expect(seen.some((q) => q.path.includes('/manifests/') && q.authorization === 'Bearer anon-token')).toBe(
    true,
  );
  expect(
    seen.filter((q) => q.authorization !== undefined && q.authorization !== 'Bearer anon-token'),
  ).toEqual([]);
});

it("the CLI's image code still uses its user's docker config (the same front sees the Basic credentials)", async () => {
  seen.length = 0;
  const image = await openImage(`${proxyHost}/team/app:v1`, {
    layerCache: false,
    cacheDir: join(tmp, 'cache'),
  });
  await image.close();
  expect(seen.filter((q) => q.path.startsWith('/token')).map((q) => q.authorization)).toContain(
    `Basic ${OPERATOR_AUTH}`,
  );
});

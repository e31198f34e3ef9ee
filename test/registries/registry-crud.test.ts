import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from '../server/api-server.js';
import { sqliteBackend } from '../server/service-db-backends.js';
import { PASSWORD, startRegistry, USER, type RunningRegistry } from '../image/fixtures/registry-server.js';

const backend = sqliteBackend();
let db: ServiceDb;
let s: Seeded;
let app: FastifyInstance;
let base: string;
let reg: RunningRegistry;
const logLines: string[] = [];
const PATH = '/v1/accounts/acct-a/registries';

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db, 0);
  await s.app.close();
  // The server under test logs every request, so the test can look for secrets in the log.
  app = await buildServer({
    db,
    background: false,
    config: LOOPBACK_EGRESS,
    logStream: { write: (l) => void logLines.push(l) },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
  reg = await startRegistry('htpasswd');
}, 60_000);
afterAll(async () => {
  await app.close();
  await reg.stop();
  await db.close();
  await backend.teardown();
});

interface Created {
  id: string;
  notificationSecret: string;
  notificationUrl: string;
  hasCredentials: boolean;
}

it('creates a registry with sealed credentials: the notification secret once, the credentials never', async () => {
  const res = await call(base, s.keys.adminA, 'POST', PATH, {
    name: 'team',
    url: `http://${reg.host}`,
    insecure: true,
    credentials: { username: USER, password: PASSWORD },
    discovery: 'BOTH',
    pollInterval: 300,
  });
  expect(res.status).toBe(201);
  const created = res.json as Created;
  expect(created).toMatchObject({
    hasCredentials: true,
    discovery: 'BOTH',
    pollInterval: 300,
    host: reg.host,
  });
  expect(created.notificationSecret).toMatch(/^vrn_[\w-]{43}$/);
  expect(created.notificationUrl).toBe(`/v1/registry-events/${created.id}`);
  expect(JSON.stringify(res.json)).not.toContain(PASSWORD);

  for (const path of [PATH, `${PATH}/${created.id}`]) {
    const read = await call(base, s.keys.readOnlyA, 'GET', path);
    expect(read.status).toBe(200);
    const text = JSON.stringify(read.json);
    expect(text).toContain(created.id);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(created.notificationSecret);
  }
  // At rest: the password only sealed, the secret only as its hash.
  const row = await db.kysely
    .selectFrom('registries')
    .selectAll()
    .where('id', '=', created.id)
    .executeTakeFirstOrThrow();
  expect(JSON.stringify(row)).not.toContain(PASSWORD);
  expect(JSON.stringify(row)).not.toContain(created.notificationSecret);
  expect(row.credentials_sealed).toMatch(/^v1\./);

  // The check uses the stored credentials: OK, and the catalog answers.
  const check = await call(base, s.keys.adminA, 'POST', `${PATH}/${created.id}/check`);
  expect(check).toMatchObject({ status: 200, json: { code: 'OK', catalog: 'OK' } });

  // A wrong password: ACCESS_DENIED, the stable code, and still nothing of either password returned.
  const patched = await call(base, s.keys.adminA, 'PATCH', `${PATH}/${created.id}`, {
    credentials: { username: USER, password: 'wrong-password' },
  });
  expect(patched).toMatchObject({ status: 200, json: { hasCredentials: true } });
  const denied = await call(base, s.keys.adminA, 'POST', `${PATH}/${created.id}/check`);
  expect(denied).toMatchObject({ status: 200, json: { code: 'ACCESS_DENIED', catalog: null } });
  expect(JSON.stringify(denied.json)).not.toContain('wrong-password');
  // No credentials at all: the registry's Basic challenge is ACCESS_DENIED too.
  await call(base, s.keys.adminA, 'PATCH', `${PATH}/${created.id}`, { credentials: null });
  expect((await call(base, s.keys.adminA, 'POST', `${PATH}/${created.id}/check`)).json).toMatchObject({
    code: 'ACCESS_DENIED',
  });
  const log = logLines.join('\n');
  expect(log.length).toBeGreaterThan(0);
  for (const secret of [PASSWORD, 'wrong-password', created.notificationSecret])
    expect(log).not.toContain(secret);
});

it('refuses bad settings with stable codes and lets only admin keys change registries', async () => {
  const body = { name: 'x', url: `https://${reg.host}`, discovery: 'NOTIFICATIONS' };
  expect((await call(base, s.keys.memberA, 'POST', PATH, body)).status).toBe(403);
  expect((await call(base, s.keys.readOnlyA, 'POST', PATH, body)).status).toBe(403);
  const cases: Array<[Record<string, unknown>, number, string]> = [
    [{ ...body, url: `http://${reg.host}` }, 400, 'REGISTRY_INVALID'],
    [{ ...body, url: `https://user:pw@${reg.host}` }, 400, 'REGISTRY_INVALID'],
    [{ ...body, url: `https://${reg.host}/some/path` }, 400, 'REGISTRY_INVALID'],
    [{ ...body, pollInterval: 300 }, 400, 'REGISTRY_INVALID'],
    [{ ...body, discovery: 'POLLING', pollInterval: 5 }, 400, 'VALIDATION'],
    [{ ...body, url: '10.0.0.7:5000' }, 403, 'EGRESS_DENIED'],
    [{ ...body, name: 'team' }, 409, 'REGISTRY_EXISTS'],
  ];
  for (const [b, status, code] of cases) {
    const r = await call(base, s.keys.adminA, 'POST', PATH, b);
    expect({ b, status: r.status, code: (r.json as { code: string }).code }).toEqual({ b, status, code });
  }
  // Another account's registry is not found, whatever the key's role there.
  const mine = (await call(base, s.keys.adminA, 'POST', PATH, body)).json as Created;
  expect((await call(base, s.keys.adminB, 'GET', `/v1/accounts/acct-a/registries/${mine.id}`)).status).toBe(
    404,
  );
  expect((await call(base, s.keys.adminB, 'GET', `/v1/accounts/acct-b/registries/${mine.id}`)).status).toBe(
    404,
  );
  expect((await call(base, s.keys.adminA, 'DELETE', `${PATH}/${mine.id}`)).status).toBe(204);
  expect((await call(base, s.keys.adminA, 'GET', `${PATH}/${mine.id}`)).status).toBe(404);
});

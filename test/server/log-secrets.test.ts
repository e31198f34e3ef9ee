import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const WEBHOOK_SECRET = 'whsec-marker-that-must-not-be-logged-1234567890';
const backend = sqliteBackend();
let db: ServiceDb;
let app: FastifyInstance;
let base: string;
let log = '';

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  app = await buildServer({ db, background: false, logStream: { write: (line) => (log += line) } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await backend.teardown();
});

it('logs requests without any key material or secret, whatever the calls', async () => {
  const admin = (await createApiKey(db.kysely, { accountId: 'a', role: 'admin' })).key;
  const keys = [admin, 'vk_a-presented-key-that-is-not-valid-0000000000000'];
  await call(base, admin, 'GET', '/v1/findings');
  await call(base, keys[1], 'GET', '/v1/findings');
  await call(base, admin, 'POST', '/v1/accounts/a/resources/h/inventory', { schemaVersion: 1, key: admin });
  // Creating a key answers with the new key once; creating a webhook takes a signing secret.
  const created = await call(base, admin, 'POST', '/v1/accounts/a/keys', { role: 'member', name: 'ci' });
  const createdKey = (created.json as { key?: unknown } | undefined)?.key;
  if (typeof createdKey === 'string') keys.push(createdKey);
  await call(base, admin, 'POST', '/v1/accounts/a/webhooks', {
    url: 'http://127.0.0.1:9/hook',
    secret: WEBHOOK_SECRET,
  });
  await call(base, admin, 'GET', '/v1/audit-log');
  // Anyone who later logs a request's headers or a key field gets them censored by the logger itself.
  app.log.info({ req: { headers: { authorization: `Bearer ${admin}` } }, key: admin }, 'redaction probe');
  app.log.info({ headers: { authorization: `Bearer ${admin}` } }, 'redaction probe');

  expect(log.split('\n').filter((l) => l.includes('"incoming request"')).length).toBeGreaterThanOrEqual(6);
  expect(log).toContain('[redacted]');
  for (const k of keys) expect(log).not.toContain(k.slice(3));
  expect(log).not.toMatch(/vk_[A-Za-z0-9_-]{8,}/);
  expect(log).not.toContain(WEBHOOK_SECRET);
});

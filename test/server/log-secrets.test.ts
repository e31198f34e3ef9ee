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

it('never logs a key wherever a request carries it: query value or name, path, any scheme case', async () => {
  const admin = (await createApiKey(db.kysely, { accountId: 'a', role: 'admin' })).key;
  const secret = admin.slice(3);
  const before = log.length;
  const auth = { authorization: `bearer ${admin}` };
  // RFC 7235: the scheme is case-insensitive, so this one is served.
  expect((await fetch(`${base}/v1/findings?api_key=${admin}`, { headers: auth })).status).toBe(200);
  await fetch(`${base}/v1/findings?${admin}`, { headers: auth });
  await fetch(`${base}/v1/findings?token=${admin.replace('_', '%5F')}&x=1`);
  await fetch(`${base}/v1/accounts/${admin}/resources`, { headers: auth });
  await fetch(`${base}/v1/accounts/a/resources/${admin.replace('_', '%5F')}`, { headers: auth });
  await fetch(`${base}/v1/no-such-route/${admin}?k=${admin}`, { method: 'POST' });
  const lines = log.slice(before);
  expect(lines.split('\n').filter((l) => l.includes('"incoming request"')).length).toBe(6);
  // The path stays readable; the query is gone.
  expect(lines).toContain('"url":"/v1/findings?[redacted]"');
  expect(lines).toContain('"url":"/v1/accounts/vk_[redacted]/resources"');
  for (const fragment of [secret, secret.slice(0, 12), secret.slice(-12)])
    expect(lines).not.toContain(fragment);
  expect(lines).not.toMatch(/vk(_|%5f)[A-Za-z0-9-]{8,}/i);
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

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

it('a failing audit write does not fail the call; it is logged as an error', async () => {
  const admin = (await createApiKey(db.kysely, { accountId: 'a', role: 'admin' })).key;
  // The audit table gone (a broken deployment): every audit insert now fails.
  await sql`DROP TABLE audit_log`.execute(db.kysely);
  const r = await call(base, admin, 'POST', '/v1/accounts/a/keys', { role: 'read-only' });
  expect(r.status).toBe(201);
  const created = r.json as { key: string };
  expect((await call(base, created.key, 'GET', '/v1/findings')).status).toBe(200);
  // The write happens after the response: wait (bounded) for its error line.
  for (let i = 0; i < 500 && !log.includes('audit log write failed'); i++)
    await new Promise((res) => setTimeout(res, 10));
  const line = log.split('\n').find((l) => l.includes('audit log write failed'));
  expect(line && (JSON.parse(line) as { level: number }).level).toBe(50);
  expect(log).not.toContain(created.key.slice(3));
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
let db: ServiceDb;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
});
afterAll(async () => {
  await db.close();
  await backend.teardown();
});

it('refuses a body over the limit with 413 and the error body', async () => {
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  const { key } = await createApiKey(db.kysely, { accountId: 'a', role: 'member' });
  const app = await buildServer({ db, bodyLimit: 2048 });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const big = { schemaVersion: 1, padding: 'x'.repeat(4096) };
    const r = await call(base, key, 'POST', '/v1/accounts/a/resources/h/inventory', big);
    expect(r).toEqual({
      status: 413,
      json: { code: 'BODY_TOO_LARGE', message: 'request body too large', details: {} },
    });
  } finally {
    await app.close();
  }
});

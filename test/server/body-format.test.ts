import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { sqliteBackend } from './service-db-backends.js';
import { insertAccount } from './api-server.js';

const backend = sqliteBackend();
let db: ServiceDb;
let app: FastifyInstance;
let base: string;
let key: string;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  key = (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;
  app = await buildServer({ db, background: false });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await backend.teardown();
});

async function post(body: string, type: string): Promise<{ status: number; json: unknown }> {
  const res = await fetch(`${base}/v1/accounts/a/resources/h/inventory`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': type },
    body,
  });
  return { status: res.status, json: await res.json() };
}

it('malformed JSON is 400 MALFORMED_JSON with the error body, never an echo of the input', async () => {
  const r = await post('{"schemaVersion": 1, "oops-echo-me"', 'application/json');
  expect(r).toEqual({
    status: 400,
    json: { code: 'MALFORMED_JSON', message: 'request body is not valid JSON', details: {} },
  });
  expect(JSON.stringify(r.json)).not.toContain('oops-echo-me');
  expect((await post('', 'application/json')).json).toMatchObject({ code: 'MALFORMED_JSON' });
});

it('an unknown content type is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
  expect(await post('schemaVersion=1', 'application/x-www-form-urlencoded')).toEqual({
    status: 415,
    json: { code: 'UNSUPPORTED_MEDIA_TYPE', message: 'send the body as application/json', details: {} },
  });
});

import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const LIMIT = 3;
const backend = sqliteBackend();
let db: ServiceDb;
let app: FastifyInstance;
let base: string;
let keyA: string;
let keyB: string;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  keyA = (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;
  keyB = (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;
  app = await buildServer({ db, background: false, config: { rateLimitPerMinute: LIMIT } });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await backend.teardown();
});

it('limits each key in its own bucket: 429 RATE_LIMITED with Retry-After, the other key unaffected', async () => {
  for (let i = 0; i < LIMIT; i++) expect((await call(base, keyA, 'GET', '/v1/findings')).status).toBe(200);

  const res = await fetch(`${base}/v1/findings`, { headers: { authorization: `Bearer ${keyA}` } });
  expect(res.status).toBe(429);
  const retryAfter = Number(res.headers.get('retry-after'));
  expect(retryAfter).toBeGreaterThan(0);
  expect(retryAfter).toBeLessThanOrEqual(60);
  const body = (await res.json()) as {
    code: string;
    message: string;
    details: { retryAfterSeconds: number };
  };
  expect(body).toEqual({
    code: 'RATE_LIMITED',
    message: expect.any(String) as string,
    details: { retryAfterSeconds: expect.any(Number) as number },
  });
  expect(body.details.retryAfterSeconds).toBeGreaterThan(0);

  // Same account, another key: its own bucket.
  for (let i = 0; i < LIMIT; i++) expect((await call(base, keyB, 'GET', '/v1/findings')).status).toBe(200);
  expect((await call(base, keyB, 'GET', '/v1/findings')).status).toBe(429);
  // A mutating call over the limit is refused too, before it reaches the route.
  expect((await call(base, keyA, 'POST', '/v1/accounts/a/resources/h/inventory', {})).status).toBe(429);
});

it('limits unauthenticated callers by address and never limits /health', async () => {
  for (let i = 0; i < LIMIT; i++)
    expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(401);
  expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(429);
  for (let i = 0; i < LIMIT * 3; i++)
    expect((await call(base, undefined, 'GET', '/health')).status).toBe(200);
});

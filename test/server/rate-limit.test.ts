import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import { WindowCounters } from '../../src/server/http/bounded-rate-store.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';
import { inParallel, requestFrom } from './source-address-client.js';

const PER_KEY = 3;
const FAILURES = 5;
const BUCKETS = 50;
/** The audit clock: every row of this file falls in one minute. */
const NOW = new Date('2026-03-01T00:00:30.000Z');
const backend = sqliteBackend();
let db: ServiceDb;
let app: FastifyInstance;
let base: string;
let keyA: string;
let keyB: string;

const randomKey = (): string => `vk_${randomBytes(32).toString('base64url')}`;
const bearer = (key: string): string => `Bearer ${key}`;
const member = async (): Promise<string> =>
  (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  keyA = await member();
  keyB = await member();
  app = await buildServer({
    db,
    background: false,
    now: () => NOW,
    config: { rateLimitPerMinute: PER_KEY, authFailuresPerMinute: FAILURES, rateLimitBuckets: BUCKETS },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await backend.teardown();
});

it('limits each key in its own bucket: 429 RATE_LIMITED with Retry-After, the other key unaffected', async () => {
  for (let i = 0; i < PER_KEY; i++) expect((await call(base, keyA, 'GET', '/v1/findings')).status).toBe(200);

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
  for (let i = 0; i < PER_KEY; i++) expect((await call(base, keyB, 'GET', '/v1/findings')).status).toBe(200);
  expect((await call(base, keyB, 'GET', '/v1/findings')).status).toBe(429);
  // A mutating call over the limit is refused too, before it reaches the route.
  expect((await call(base, keyA, 'POST', '/v1/accounts/a/resources/h/inventory', {})).status).toBe(429);
});

it('limits unauthenticated callers by address and never limits /health', async () => {
  for (let i = 0; i < FAILURES; i++)
    expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(401);
  expect((await call(base, undefined, 'GET', '/v1/findings')).status).toBe(429);
  for (let i = 0; i < FAILURES * 3; i++)
    expect((await call(base, undefined, 'GET', '/health')).status).toBe(200);
});

it('1,500 random keys from one address: 401 until its failure budget is spent, then 429 whatever the token', async () => {
  // The first ones one at a time, so the count of 401s is exact; the rest at once.
  const statuses: number[] = [];
  for (let i = 0; i < 100; i++)
    statuses.push(
      (await requestFrom('127.0.0.2', base, 'GET', '/v1/findings', { authorization: bearer(randomKey()) }))
        .status,
    );
  const rest = await inParallel(1400, 16, async () => {
    const r = await requestFrom('127.0.0.2', base, 'GET', '/v1/findings', {
      authorization: bearer(randomKey()),
    });
    return r.status;
  });
  statuses.push(...rest);
  expect(statuses.slice(0, FAILURES)).toEqual(Array<number>(FAILURES).fill(401));
  expect(statuses.slice(FAILURES)).toEqual(Array<number>(1500 - FAILURES).fill(429));
  // A valid Bearer token does not skip the address limit …
  const valid = await member();
  const fromThere = await requestFrom('127.0.0.2', base, 'GET', '/v1/findings', {
    authorization: bearer(valid),
  });
  expect(fromThere.status).toBe(429);
  expect(Number(fromThere.headers['retry-after'])).toBeGreaterThan(0);
  // … while the same key from another address works, with the scheme in any case (RFC 7235).
  const elsewhere = await requestFrom('127.0.0.3', base, 'GET', '/v1/findings', {
    authorization: `bEARER ${valid}`,
  });
  expect(elsewhere.status).toBe(200);
});

it('random keys from 150 addresses and 100 busy keys evict neither a limited key nor a limited address', async () => {
  const limitedKey = await member();
  const validKey = await member();
  for (let i = 0; i <= PER_KEY; i++)
    await requestFrom('127.0.0.7', base, 'GET', '/v1/findings', { authorization: bearer(limitedKey) });
  for (let i = 0; i < FAILURES; i++)
    await requestFrom('127.0.0.8', base, 'GET', '/v1/findings', { authorization: bearer(randomKey()) });
  const stillLimited = async (): Promise<number[]> => [
    (await requestFrom('127.0.0.7', base, 'GET', '/v1/findings', { authorization: bearer(limitedKey) }))
      .status,
    (await requestFrom('127.0.0.8', base, 'GET', '/v1/findings', { authorization: bearer(validKey) })).status,
  ];
  expect(await stillLimited()).toEqual([429, 429]);

  // 150 addresses × 4 random keys (each address under its budget): 150 address buckets, 3× capacity.
  const flood = await inParallel(600, 16, (i) =>
    requestFrom(
      `127.0.${10 + Math.floor(i / 4 / 250)}.${1 + (((i / 4) % 250) | 0)}`,
      base,
      'GET',
      '/v1/findings',
      {
        authorization: bearer(randomKey()),
      },
    ),
  );
  expect(flood.every((r) => r.status === 401)).toBe(true);
  // 100 valid keys, one request each: 100 key buckets, twice the capacity.
  const busy = await Promise.all(Array.from({ length: 100 }, member));
  const served = await inParallel(100, 16, (i) =>
    requestFrom('127.0.0.9', base, 'GET', '/v1/findings', { authorization: bearer(busy[i] ?? '') }),
  );
  expect(served.map((r) => r.status)).toEqual(Array<number>(100).fill(200));
  expect(await stillLimited()).toEqual([429, 429]);
});

it('2,000 unauthenticated POSTs leave one audit row per source and minute, with the count', async () => {
  const statuses = await inParallel(2000, 16, async () => {
    const r = await requestFrom('127.0.0.10', base, 'POST', '/v1/accounts/a/resources', {
      body: { id: 'h', type: 'HOST' },
    });
    return r.status;
  });
  const refusedAuth = statuses.filter((s) => s === 401).length;
  expect(refusedAuth).toBeGreaterThanOrEqual(FAILURES);
  expect(refusedAuth + statuses.filter((s) => s === 429).length).toBe(2000);

  const rowsOf = async (): Promise<
    Array<{ action: string; result: string; count: number; account: string | null }>
  > =>
    (
      await db.kysely
        .selectFrom('audit_log')
        .selectAll()
        .where('target', '=', JSON.stringify({ source: '127.0.0.10' }))
        .orderBy('seq')
        .execute()
    ).map((r) => ({
      action: r.action,
      result: r.result,
      count: (JSON.parse(r.details_json) as { count: number }).count,
      account: r.account_id,
    }));
  // Rows are written after the responses: wait (bounded) until the counts add up.
  let rows = await rowsOf();
  for (let i = 0; i < 500 && rows.reduce((n, r) => n + r.count, 0) < 2000; i++) {
    await new Promise((r) => setTimeout(r, 10));
    rows = await rowsOf();
  }
  expect(rows).toEqual([
    { action: 'AUTH_REFUSED', result: '401', count: refusedAuth, account: 'a' },
    { action: 'RATE_LIMITED', result: '429', count: 2000 - refusedAuth, account: 'a' },
  ]);
  const all = await db.kysely.selectFrom('audit_log').select('seq').execute();
  expect(all.length).toBeLessThan(10);
});

it('bounded counters evict an expired limited bucket first, then open ones, then the oldest limited', () => {
  let clock = 0;
  const c = new WindowCounters(3, () => clock);
  c.hit('limited-old', 1000, 0); // over a max of 0: limited
  clock = 500;
  c.hit('limited-new', 1000, 0);
  c.hit('open', 1000, 10);
  c.hit('newcomer', 1000, 10); // full: 'open' goes, both limited stay
  expect(c.size).toBe(3);
  expect([c.peek('limited-old', 1000).current, c.peek('open', 1000).current]).toEqual([1, 0]);
  clock = 1200; // 'limited-old' has expired
  c.hit('late', 1000, 10);
  expect([c.peek('limited-new', 1000).current, c.peek('newcomer', 1000).current]).toEqual([1, 1]);
  expect(c.size).toBe(3);
  c.hit('newcomer', 1000, 0); // now every bucket but 'late' is limited
  c.hit('late', 1000, 0);
  c.hit('last', 1000, 10); // all limited: the oldest limited one goes
  expect(c.peek('limited-new', 1000).current).toBe(0);
  expect(c.size).toBe(3);
});

import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { buildServer } from '../../../src/server/server-app.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { insertAccount } from '../api-server.js';
import { sqliteBackend } from '../service-db-backends.js';

/**
 * The /aws/inspector2 routes authenticate in their handler (the signature covers the body), and refuse
 * with AWS's 403s rather than /v1's 401: the server's limits must hold for them all the same. Each
 * key has its own bucket; failed authentications count against the address, which is then refused
 * before authentication whatever it presents; and they are audited as counted AUTH_REFUSED rows.
 */
const PER_KEY = 4;
const FAILURES = 3;
const NOW = new Date('2026-03-01T00:00:30.000Z');
const backend = sqliteBackend();
let db: ServiceDb;
let app: FastifyInstance;
let base: string;
let keyA: string;
let keyB: string;

async function listFindings(
  key: string,
): Promise<{ status: number; type: string | null; retryAfter: string | null }> {
  const r = await fetch(`${base}/aws/inspector2/findings/list`, {
    method: 'POST',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
    body: '{}',
  });
  await r.arrayBuffer();
  return {
    status: r.status,
    type: r.headers.get('x-amzn-errortype'),
    retryAfter: r.headers.get('retry-after'),
  };
}

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  await insertAccount(db, 'a', null, '2026-01-01T00:00:00.000Z');
  keyA = (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;
  keyB = (await createApiKey(db.kysely, { accountId: 'a', role: 'member' })).key;
  app = await buildServer({
    db,
    background: false,
    now: () => NOW,
    config: { rateLimitPerMinute: PER_KEY, authFailuresPerMinute: FAILURES, rateLimitBuckets: 50 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  await db.close();
  await backend.teardown();
});

it("limits each key on /aws/inspector2 in its own bucket: Inspector's ThrottlingException with Retry-After", async () => {
  for (let i = 0; i < PER_KEY; i++) expect((await listFindings(keyA)).status).toBe(200);
  const over = await listFindings(keyA);
  expect(over).toMatchObject({ status: 429, type: 'ThrottlingException' });
  expect(Number(over.retryAfter)).toBeGreaterThan(0);
  expect((await listFindings(keyB)).status).toBe(200);
});

it('counts refused authentications against the address, refuses it before authentication, and audits them counted', async () => {
  for (let i = 0; i < FAILURES; i++)
    expect(await listFindings(`vk_${randomBytes(32).toString('base64url')}`)).toMatchObject({
      status: 403,
      type: 'UnrecognizedClientException',
    });
  // The address has spent its budget: even a good key is turned away now.
  expect(await listFindings(keyB)).toMatchObject({ status: 429, type: 'ThrottlingException' });
  const refused = async (): Promise<number> => {
    const rows = await db.kysely
      .selectFrom('audit_log')
      .selectAll()
      .where('action', '=', 'AUTH_REFUSED')
      .execute();
    return rows.reduce((n, r) => n + (JSON.parse(r.details_json) as { count: number }).count, 0);
  };
  // Rows are written after the responses: wait (bounded) until they are there.
  for (let i = 0; i < 500 && (await refused()) < FAILURES; i++) await new Promise((r) => setTimeout(r, 10));
  expect(await refused()).toBe(FAILURES);
  expect(await db.kysely.selectFrom('audit_log').select('seq').where('result', '=', '403').execute()).toEqual(
    [],
  );
});

import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { sqliteBackend } from './service-db-backends.js';
import { startReceiver, type Receiver } from './webhooks-receiver.js';

const backend = sqliteBackend();
let db: ServiceDb;
let s: Seeded;
let app: FastifyInstance;
let base: string;
const receivers: Receiver[] = [];

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  s = await seedAndListen(db, 0);
  await s.app.close();
  // The dispatcher runs as in production (its own loop), with a POST timeout far longer than the test.
  app = await buildServer({
    db,
    config: { ...LOOPBACK_EGRESS, pollIntervalMs: 50, webhookTimeoutMs: 120_000 },
  });
  base = await app.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(async () => {
  await app.close();
  for (const r of receivers) await r.close();
  await db.close();
  await backend.teardown();
});

async function subscribe(key: string, accountId: string, r: Receiver): Promise<string> {
  const res = await call(base, key, 'POST', `/v1/accounts/${accountId}/webhooks`, { url: r.url });
  expect(res.status).toBe(201);
  const created = res.json as { id: string; secret: string };
  r.secret = created.secret;
  return created.id;
}

async function findingsFor(accountId: string, resourceId: string, ids: string[]): Promise<void> {
  const findings: Finding[] = ids.map((id, i) => ({
    ...randomFinding(rng(i + 5), i),
    id,
    status: 'ACTIVE',
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  }));
  await applyScanOfResource(db.kysely, { accountId, resourceId, findings, now: new Date() });
}

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 600 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  if (!ok()) throw new Error(`gave up waiting for ${what}`);
}

it("a receiver that never answers delays no other subscription's deliveries", async () => {
  const slow = await startReceiver(() => ({ status: 'hang' }));
  const fast = await startReceiver();
  receivers.push(slow, fast);
  const slowId = await subscribe(s.keys.adminA, 'acct-a', slow);
  await subscribe(s.keys.adminB, 'acct-b', fast);

  await findingsFor('acct-a', 'host-a1', ['a-1', 'a-2']);
  await until('the slow receiver to be sent its first event', () => slow.arrivals.length > 0);
  await findingsFor('acct-b', 'host-b1', ['b-1', 'b-2']);
  await until("account B's events to arrive", () => fast.arrivals.length >= 2);

  // B's events arrived, signed, while A's first delivery was still waiting for its answer.
  expect(fast.arrivals.every((a) => a.signatureOk && a.event.source === '/vigil/accounts/acct-b')).toBe(true);
  expect(slow.arrivals).toHaveLength(1);
  const log = await call(base, s.keys.adminA, 'GET', `/v1/accounts/acct-a/webhooks/${slowId}/deliveries`);
  const deliveries = (log.json as { deliveries: Array<{ status: string; attempts: number }> }).deliveries;
  expect(deliveries.length).toBeGreaterThan(0);
  expect(deliveries.every((d) => d.status === 'PENDING' && d.attempts === 0)).toBe(true);
});

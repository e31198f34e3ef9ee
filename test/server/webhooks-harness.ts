import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import type { Backend } from './service-db-backends.js';
import { startReceiver, type Receiver, type Responder } from './webhooks-receiver.js';

export const CONFIG = {
  webhookBackoffMs: 1000,
  webhookMaxBackoffMs: 8000,
  webhookMaxAttempts: 4,
  webhookTimeoutMs: 500,
  ...LOOPBACK_EGRESS,
};

export interface OutboxRow {
  seq: number;
  type: string;
  account_id: string;
  subject: string;
}
export interface DeliveryView {
  eventId: string;
  eventType: string;
  subject: string;
  status: string;
  attempts: number;
  lastStatusCode: number | null;
  lastError: string | null;
  nextAttemptAt: string;
}

export interface WebhookHarness {
  db: ServiceDb;
  dbUrl: string;
  s: Seeded;
  app: FastifyInstance;
  base: string;
  clock: Date;
}

/**
 * A seeded org (acct-admin delegated admin of acct-a and acct-b) and a real server on 127.0.0.1 whose
 * background tasks do not run: tests drive the dispatcher with `dispatch()` and move `clock` by hand.
 */
export function useWebhookServer(backend: Backend) {
  const h = { clock: new Date('2026-03-02T00:00:00.000Z') } as WebhookHarness;
  const receivers: Receiver[] = [];
  beforeAll(async () => {
    await backend.setup();
    const fresh = await backend.fresh();
    h.db = fresh.db;
    h.dbUrl = fresh.url;
    // The seed's findings make outbox history that no new subscription may receive.
    h.s = await seedAndListen(h.db, 2);
    await h.s.app.close();
    h.app = await buildServer({ db: h.db, background: false, now: () => h.clock, config: CONFIG });
    h.base = await h.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const r of receivers.splice(0)) await r.close();
    await h.db.kysely.deleteFrom('webhook_deliveries').execute();
    await h.db.kysely.deleteFrom('webhook_subscriptions').execute();
  });
  afterAll(async () => {
    await h.app.close();
    await h.db.close();
    await backend.teardown();
  });

  const dispatch = (): Promise<void> =>
    h.app.vigil.tasks.find((t) => t.name === 'webhook-dispatcher')!.runOnce();
  const advance = (ms: number): void => {
    h.clock = new Date(h.clock.getTime() + ms);
  };
  async function receiver(respond?: Responder): Promise<Receiver> {
    const r = await startReceiver(respond);
    receivers.push(r);
    return r;
  }
  async function subscribe(key: string, accountId: string, r: Receiver, body = {}): Promise<string> {
    const res = await call(h.base, key, 'POST', `/v1/accounts/${accountId}/webhooks`, {
      url: r.url,
      ...body,
    });
    expect(res.status).toBe(201);
    const created = res.json as { id: string; secret: string };
    r.secret = created.secret;
    return created.id;
  }
  /** One scan of a resource seeing exactly these finding identities: creates, closes, reopens. */
  async function scan(accountId: string, resourceId: string, ids: string[]): Promise<void> {
    const findings: Finding[] = ids.map((id, i) => ({
      ...randomFinding(rng(id.length * 31 + i), i),
      id,
      status: 'ACTIVE',
      resources: [{ id: resourceId, type: 'HOST', details: {} }],
    }));
    await applyScanOfResource(h.db.kysely, { accountId, resourceId, findings, now: h.clock });
  }
  async function outboxAfter(seq: number): Promise<OutboxRow[]> {
    const rows = await h.db.kysely
      .selectFrom('outbox')
      .select(['seq', 'type', 'account_id', 'subject'])
      .where('seq', '>', seq)
      .orderBy('seq')
      .execute();
    return rows.map((r) => ({ ...r, seq: Number(r.seq) }));
  }
  async function maxSeq(): Promise<number> {
    return (await outboxAfter(0)).at(-1)?.seq ?? 0;
  }
  async function deliveries(key: string, accountId: string, id: string): Promise<DeliveryView[]> {
    const res = await call(h.base, key, 'GET', `/v1/accounts/${accountId}/webhooks/${id}/deliveries`);
    expect(res.status).toBe(200);
    return (res.json as { deliveries: DeliveryView[] }).deliveries;
  }
  const ids = (r: Receiver): string[] => r.arrivals.map((a) => a.event.id);
  return { h, dispatch, advance, receiver, subscribe, scan, outboxAfter, maxSeq, deliveries, ids };
}

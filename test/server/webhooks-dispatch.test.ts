import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { verifySignature } from '../../src/events/webhooks/webhook-signature.js';
import { opensslSignature } from './openssl-hmac.js';
import { call } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';
import { CONFIG, useWebhookServer, type DeliveryView, type OutboxRow } from './webhooks-harness.js';

for (const makeBackend of BACKENDS) {
  const backend = makeBackend();
  describe(`webhook dispatcher (${backend.name})`, () => {
    const { h, dispatch, advance, receiver, subscribe, scan, outboxAfter, maxSeq, deliveries, ids } =
      useWebhookServer(backend);

    it('delivers signed CloudEvents in outbox order, filtered by type, scoped to the account or the whole org', async () => {
      const all = await receiver();
      const onlyA = await receiver();
      const closedA = await receiver();
      const onlyB = await receiver();
      const paused = await receiver();
      const start = await maxSeq();
      expect(start).toBeGreaterThan(0); // the seed's history exists and must not be replayed
      const allId = await subscribe(h.s.keys.orgAdmin, 'acct-admin', all);
      const aId = await subscribe(h.s.keys.adminA, 'acct-a', onlyA);
      await subscribe(h.s.keys.adminA, 'acct-a', closedA, { eventTypes: ['vigil.finding.closed'] });
      await subscribe(h.s.keys.adminB, 'acct-b', onlyB);
      await subscribe(h.s.keys.adminB, 'acct-b', paused, { enabled: false });

      await scan('acct-a', 'host-a1', ['x1', 'x2', 'x3']); // closes the seed's two, creates three
      await scan('acct-b', 'host-b1', ['y1']);
      await scan('acct-a', 'host-a1', ['x1']);
      await dispatch();

      const events = await outboxAfter(start);
      const evt = (rows: OutboxRow[]): string[] => rows.map((e) => `evt-${e.seq}`);
      const ofA = events.filter((e) => e.account_id === 'acct-a');
      expect(ofA.length).toBeGreaterThanOrEqual(7);
      expect(events.some((e) => e.account_id === 'acct-b')).toBe(true);
      expect(ids(all)).toEqual(evt(events));
      expect(ids(onlyA)).toEqual(evt(ofA));
      expect(ids(closedA)).toEqual(evt(ofA.filter((e) => e.type === 'vigil.finding.closed')));
      expect(ids(closedA).length).toBe(4);
      expect(ids(onlyB)).toEqual(evt(events.filter((e) => e.account_id === 'acct-b')));
      expect(paused.arrivals).toEqual([]);

      for (const r of [all, onlyA, closedA, onlyB]) {
        expect(r.opensslDisagreements()).toEqual([]);
        for (const a of r.arrivals) {
          expect(a.signatureOk).toBe(true);
          expect(a.headers['content-type']).toBe('application/cloudevents+json');
          expect(a.headers['x-vigil-delivery']).toMatch(/^\d+$/);
          const row = events.find((e) => `evt-${e.seq}` === a.event.id)!;
          expect(a.event).toMatchObject({
            specversion: '1.0',
            source: `/vigil/accounts/${row.account_id}`,
            type: row.type,
            subject: row.subject,
            datacontenttype: 'application/json',
            data: { id: row.subject, accountId: row.account_id },
          });
          expect(Date.parse(a.event.time)).not.toBeNaN();
        }
      }
      // The signature covers the exact bytes: one changed byte, or another subscription's secret, fails.
      const first = onlyA.arrivals[0]!;
      const sig = first.headers['x-vigil-signature'] as string;
      expect(sig).toMatch(/^sha256=[0-9a-f]{64}$/);
      expect(opensslSignature(onlyA.secret, first.raw)).toBe(sig);
      const tampered = first.raw.replace('"1.0"', '"1.1"');
      expect(opensslSignature(onlyA.secret, tampered)).not.toBe(sig);
      expect(verifySignature(onlyA.secret, tampered, sig)).toBe(false);
      expect(opensslSignature(all.secret, first.raw)).not.toBe(sig);
      expect(verifySignature(all.secret, first.raw, sig)).toBe(false);

      const log = await deliveries(h.s.keys.adminA, 'acct-a', aId);
      expect(log.map((d) => d.eventId)).toEqual(evt(ofA).reverse());
      expect(log.every((d) => d.status === 'DELIVERED' && d.attempts === 1 && d.lastStatusCode === 200)).toBe(
        true,
      );
      expect(log[0]).toMatchObject({ eventType: ofA.at(-1)!.type, subject: ofA.at(-1)!.subject });
      // Pages: newest first, no overlap, nothing skipped.
      const paged: string[] = [];
      let token: string | undefined;
      do {
        const q = `?maxResults=2${token ? `&nextToken=${token}` : ''}`;
        const res = await call(
          h.base,
          h.s.keys.orgAdmin,
          'GET',
          `/v1/accounts/acct-admin/webhooks/${allId}/deliveries${q}`,
        );
        const page = res.json as { deliveries: DeliveryView[]; nextToken?: string };
        expect(page.deliveries.length).toBeLessThanOrEqual(2);
        paged.push(...page.deliveries.map((d) => d.eventId));
        token = page.nextToken;
      } while (token);
      expect(paged).toEqual(evt(events).reverse());
      // A member account's admin sees its own deliveries only, never the org admin's subscription.
      expect(
        (await call(h.base, h.s.keys.adminA, 'GET', `/v1/accounts/acct-admin/webhooks/${allId}/deliveries`))
          .status,
      ).toBe(404);

      await dispatch();
      expect(ids(all)).toEqual(evt(events)); // nothing is sent twice when all went well
    });

    it('retries with backoff: 500, 500, then 200 is three attempts, and later events wait behind it', async () => {
      const r = await receiver((_e, n) => ({ status: n < 2 ? 500 : 200 }));
      const id = await subscribe(h.s.keys.adminB, 'acct-b', r);
      await scan('acct-b', 'host-b1', ['z1', 'z2', 'z3']);
      const events = (await outboxAfter(0)).slice(-4).map((e) => `evt-${e.seq}`);
      const [e1] = events;

      await dispatch();
      expect(ids(r)).toEqual([e1]);
      let head = (await deliveries(h.s.keys.adminB, 'acct-b', id)).at(-1)!;
      expect(head).toMatchObject({ eventId: e1, status: 'PENDING', attempts: 1, lastStatusCode: 500 });
      const wait1 = Date.parse(head.nextAttemptAt) - h.clock.getTime();
      expect(wait1).toBeGreaterThanOrEqual(CONFIG.webhookBackoffMs / 2);
      expect(wait1).toBeLessThanOrEqual(CONFIG.webhookBackoffMs);

      await dispatch(); // not due yet: nothing is sent, not even the later events
      expect(ids(r)).toEqual([e1]);
      advance(CONFIG.webhookBackoffMs);
      await dispatch();
      expect(ids(r)).toEqual([e1, e1]);
      head = (await deliveries(h.s.keys.adminB, 'acct-b', id)).at(-1)!;
      expect(head).toMatchObject({ status: 'PENDING', attempts: 2, lastStatusCode: 500 });
      const wait2 = Date.parse(head.nextAttemptAt) - h.clock.getTime();
      expect(wait2).toBeGreaterThanOrEqual(CONFIG.webhookBackoffMs);
      expect(wait2).toBeLessThanOrEqual(2 * CONFIG.webhookBackoffMs);

      advance(2 * CONFIG.webhookBackoffMs);
      await dispatch();
      expect(ids(r)).toEqual([e1, e1, ...events]);
      const log = await deliveries(h.s.keys.adminB, 'acct-b', id);
      expect(log.at(-1)).toMatchObject({
        eventId: e1,
        status: 'DELIVERED',
        attempts: 3,
        lastStatusCode: 200,
      });
      expect(log.slice(0, -1).every((d) => d.status === 'DELIVERED' && d.attempts === 1)).toBe(true);
    });

    it('gives up after webhookMaxAttempts (timeouts count) and then moves on to the next event', async () => {
      let hung = '';
      const r = await receiver((e) => {
        hung ||= e.id;
        return { status: e.id === hung ? 'hang' : 204 };
      });
      const id = await subscribe(h.s.keys.adminA, 'acct-a', r);
      await scan('acct-a', 'host-a1', ['w1', 'w2']);
      const events = (await outboxAfter(0)).filter((e) => e.account_id === 'acct-a').slice(-3);
      for (let i = 0; i < CONFIG.webhookMaxAttempts; i++) {
        await dispatch();
        advance(CONFIG.webhookMaxBackoffMs);
      }
      const log = await deliveries(h.s.keys.adminA, 'acct-a', id);
      expect(log.at(-1)).toMatchObject({
        eventId: `evt-${events[0]!.seq}`,
        status: 'FAILED',
        attempts: CONFIG.webhookMaxAttempts,
        lastStatusCode: null,
        lastError: `timeout after ${CONFIG.webhookTimeoutMs} ms`,
      });
      expect(log.slice(0, -1).map((d) => [d.status, d.lastStatusCode])).toEqual([
        ['DELIVERED', 204],
        ['DELIVERED', 204],
      ]);
      expect(ids(r)).toEqual([
        ...Array<string>(CONFIG.webhookMaxAttempts).fill(`evt-${events[0]!.seq}`),
        `evt-${events[1]!.seq}`,
        `evt-${events[2]!.seq}`,
      ]);
    });

    if (backend.name === 'postgres') {
      it('never skips an event whose transaction commits after a later one (outbox seq gap on PostgreSQL)', async () => {
        const r = await receiver();
        await subscribe(h.s.keys.adminA, 'acct-a', r);
        const slow = new pg.Client({ connectionString: h.dbUrl });
        await slow.connect();
        await slow.query('BEGIN');
        const ins = `INSERT INTO outbox (type, account_id, subject, payload_json, created_at)
          VALUES ('vigil.finding.updated', 'acct-a', $1, '{}', '2026-03-02T00:00:00.000Z') RETURNING seq`;
        const early = Number((await slow.query<{ seq: string }>(ins, ['early'])).rows[0]!.seq);
        await scan('acct-a', 'host-a1', ['v1']); // commits seqs after `early` while it is still open
        const later = await outboxAfter(early);
        expect(later.length).toBeGreaterThan(0);
        // The dispatcher must wait for the open transaction instead of moving its cursor past it.
        const run = dispatch();
        await new Promise((resolve) => setTimeout(resolve, 300));
        await slow.query('COMMIT');
        await slow.end();
        await run;
        await dispatch();
        expect(ids(r)).toEqual([`evt-${early}`, ...later.map((e) => `evt-${e.seq}`)]);
      });
    }
  });
}

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendEvents } from '../../src/events/event-outbox.js';
import { purgeHistory } from '../../src/jobs/history-purge.js';
import type { StoreContext } from '../../src/store/store-context.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';

const OLD = '2026-01-01T00:00:00.000Z';
const NEW = '2026-03-01T00:00:00.000Z';
const CUTOFF = '2026-02-01T00:00:00.000Z';

function ctxOf(db: ServiceDb): StoreContext {
  return { db: db.kysely, dialect: db.dialect, now: () => new Date(NEW) };
}

async function seqs(db: ServiceDb): Promise<number[]> {
  const rows = await db.kysely.selectFrom('outbox').select('seq').orderBy('seq').execute();
  return rows.map((r) => Number(r.seq));
}

async function subscription(db: ServiceDb, id: string, cursor: number, enabled = 1): Promise<void> {
  await db.kysely
    .insertInto('webhook_subscriptions')
    .values({
      id,
      account_id: 'a',
      url: 'http://127.0.0.1:9/',
      secret_sealed: 's',
      event_types_json: '[]',
      enabled,
      cursor_seq: cursor,
      created_at: OLD,
      updated_at: OLD,
    })
    .execute();
}

async function delivery(
  db: ServiceDb,
  sub: string,
  seq: number,
  status: 'PENDING' | 'DELIVERED',
): Promise<void> {
  await db.kysely
    .insertInto('webhook_deliveries')
    .values({
      subscription_id: sub,
      outbox_seq: seq,
      event_id: `vigil-${seq}`,
      status,
      attempts: 1,
      next_attempt_at: OLD,
      last_status_code: null,
      last_error: null,
      created_at: OLD,
      delivered_at: null,
    })
    .execute();
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`history purge on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('keeps events a subscription or a pending delivery still needs, and recent ones', async () => {
      const { db } = await backend.fresh();
      const ev = (n: number) =>
        Array.from({ length: n }, (_, i) => ({
          type: 'vigil.coverage.changed' as const,
          accountId: 'a',
          subject: `s${i}`,
          data: {},
        }));
      await appendEvents(db.kysely, ev(6), OLD); // seq 1..6, old
      await appendEvents(db.kysely, ev(2), NEW); // seq 7..8, recent
      await subscription(db, 'fast', 8);
      await subscription(db, 'slow', 5);
      await subscription(db, 'paused', 0, 0); // disabled: resumes at the newest event, holds nothing
      await delivery(db, 'fast', 2, 'DELIVERED');
      await delivery(db, 'slow', 4, 'PENDING');

      const r = await purgeHistory(ctxOf(db), CUTOFF);
      // slow's fan-out is at 5 and its delivery of 4 is pending: 1..3 go; 4..6 stay; 7..8 are recent.
      expect(await seqs(db)).toEqual([4, 5, 6, 7, 8]);
      expect(r).toMatchObject({ outbox: 3, deliveries: 1 });
      const left = await db.kysely
        .selectFrom('webhook_deliveries')
        .select(['outbox_seq', 'status'])
        .execute();
      expect(left.map((d) => [Number(d.outbox_seq), d.status])).toEqual([[4, 'PENDING']]);

      // Delivered at last and fanned out: every old event can go; recent ones stay.
      await db.kysely.updateTable('webhook_deliveries').set({ status: 'DELIVERED' }).execute();
      await db.kysely.updateTable('webhook_subscriptions').set({ cursor_seq: 8 }).execute();
      await purgeHistory(ctxOf(db), CUTOFF);
      expect(await seqs(db)).toEqual([7, 8]);
      await db.close();
    });

    it('with no subscriptions purges every old event and finished scan', async () => {
      const { db } = await backend.fresh();
      await appendEvents(
        db.kysely,
        [{ type: 'vigil.coverage.changed', accountId: 'a', subject: 'x', data: {} }],
        OLD,
      );
      const scan = (id: string, status: 'SUCCEEDED' | 'RUNNING', finished: string | null) =>
        db.kysely
          .insertInto('scans')
          .values({
            id,
            account_id: 'a',
            resource_id: null,
            kind: 'image',
            status,
            request_json: '{}',
            summary_json: null,
            error_json: null,
            created_at: OLD,
            started_at: OLD,
            finished_at: finished,
          })
          .execute();
      await scan('done-old', 'SUCCEEDED', OLD);
      await scan('done-new', 'SUCCEEDED', NEW);
      await scan('running', 'RUNNING', null);
      const r = await purgeHistory(ctxOf(db), CUTOFF);
      expect(r).toEqual({ outbox: 1, deliveries: 0, scans: 1 });
      const ids = await db.kysely.selectFrom('scans').select('id').orderBy('id').execute();
      expect(ids.map((s) => s.id)).toEqual(['done-new', 'running']);
      await db.close();
    });
  });
}

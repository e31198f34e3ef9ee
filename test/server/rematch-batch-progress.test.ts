import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesPending, recordQueuedBatch } from '../../src/scan/rematch-batch-progress.js';
import type { LogRematch } from '../../src/scan/rematch-from-log.js';
import { emptyRematchSummary, type RematchSummary } from '../../src/scan/rematch-run.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { BACKENDS } from './service-db-backends.js';

/**
 * A re-match handed to the job queue as batches is done when its last batch is: each finished batch
 * adds its figures to the run recorded in rematch_state, once (a retried job counts once), and a
 * batch of a run a newer run replaced changes nothing. Concurrent batches on PostgreSQL lose nothing.
 */
const VULNDB = 'vulndb-1';
const NOW = new Date('2026-06-01T00:00:00.000Z');

const ZERO: RematchSummary = { ...emptyRematchSummary(), keys: 1, selected: 4 };
const batch = (created: number): RematchSummary => ({ ...ZERO, rematched: 2, changed: 2, created, ms: 5 });

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'queued re-match progress on %s',
  (_n, make) => {
    const backend = make();
    let db: ServiceDb;
    let ctx: StoreContext;

    beforeAll(async () => {
      await backend.setup();
      ({ db } = await backend.fresh());
      ctx = { db: db.kysely, dialect: db.dialect, now: () => NOW };
    }, 120_000);

    afterAll(async () => {
      await db?.close();
      await backend.teardown();
    });

    async function startRun(toSeq: number, queuedBatches: number): Promise<void> {
      const run: LogRematch = { ...ZERO, fromSeq: toSeq - 1, toSeq, queuedBatches };
      const row = { last_seq: toSeq, last_run_json: JSON.stringify(run), updated_at: NOW.toISOString() };
      await db.kysely
        .insertInto('rematch_state')
        .values({ vulndb_id: VULNDB, ...row })
        .onConflict((oc) => oc.column('vulndb_id').doUpdateSet(row))
        .execute();
    }

    async function run(): Promise<LogRematch> {
      const row = await db.kysely
        .selectFrom('rematch_state')
        .select('last_run_json')
        .executeTakeFirstOrThrow();
      return JSON.parse(row.last_run_json ?? '{}') as LogRematch;
    }

    it('is pending until every batch is recorded; a batch recorded twice counts once', async () => {
      await startRun(7, 2);
      expect(batchesPending(await run())).toBe(true);
      await recordQueuedBatch(ctx, VULNDB, { toSeq: 7, batch: 0 }, batch(3));
      await recordQueuedBatch(ctx, VULNDB, { toSeq: 7, batch: 0 }, batch(3));
      expect(batchesPending(await run())).toBe(true);
      await recordQueuedBatch(ctx, VULNDB, { toSeq: 7, batch: 1 }, batch(4));
      const done = await run();
      expect(batchesPending(done)).toBe(false);
      expect(done).toMatchObject({ rematched: 4, changed: 4, created: 7, ms: 10, batchesDone: [0, 1] });
    });

    it('a batch of a replaced run changes nothing; batches finishing together all count', async () => {
      await startRun(9, 6);
      await recordQueuedBatch(ctx, VULNDB, { toSeq: 8, batch: 0 }, batch(100));
      await Promise.all(
        [0, 1, 2, 3, 4, 5].map((i) => recordQueuedBatch(ctx, VULNDB, { toSeq: 9, batch: i }, batch(1))),
      );
      const done = await run();
      expect(batchesPending(done)).toBe(false);
      expect(done.created).toBe(6);
      expect([...(done.batchesDone ?? [])].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    });
  },
);

import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openServiceDb } from '../../src/store/service-db.js';
import { startWalCheckpointer } from '../../src/store/wal-checkpointer.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const ms = (n: number) => new Promise((resolve) => setTimeout(resolve, n));
const KIB = 'x'.repeat(1024);

describe('WAL checkpoints beside the server (store/wal-checkpointer.ts)', () => {
  it('keeps the WAL bounded under a steady stream of commits, and loses no row', async () => {
    const path = join(dir, 'steady.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const errors: unknown[] = [];
    // 256 pages (1 MiB) instead of 64 MiB, so that a few seconds of writes cross it many times.
    const checkpointer = await startWalCheckpointer(db, (e) => errors.push(e), { resetPages: 256 });
    expect(checkpointer).toBeDefined();
    let rows = 0;
    let peak = 0;
    let written = 0;
    // What the WAL grew by in all (what a WAL never reset would hold), and how often it shrank.
    let grown = 0;
    let resets = 0;
    let last = 0;
    try {
      const until = Date.now() + 4000;
      // Back-to-back transactions of 64 KiB (outbox rows), the way check-ins commit under load.
      while (Date.now() < until) {
        await db.kysely.transaction().execute(async (trx) => {
          for (let i = 0; i < 64; i++)
            await trx
              .insertInto('outbox')
              .values({
                type: 't',
                account_id: 'a',
                subject: `s${rows++}`,
                payload_json: KIB,
                created_at: '',
                delivered_at: null,
              })
              .execute();
        });
        written += 64 * 1024;
        const now = walBytes(path);
        if (now < last) resets++;
        else grown += now - last;
        last = now;
        peak = Math.max(peak, now);
        await ms(1);
      }
    } finally {
      await checkpointer?.stop();
    }
    expect(errors).toEqual([]);
    expect(written).toBeGreaterThan(32 * 1024 * 1024);
    // Without the reset the WAL only grows (PASSIVE never shrinks it) and would hold all it grew by.
    expect(resets).toBeGreaterThanOrEqual(2);
    expect(peak).toBeLessThan(grown / 2);
    const n = await db.kysely
      .selectFrom('outbox')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(n.n)).toBe(rows);
    await db.close();
  }, 30_000);

  it('leaves a small WAL alone', async () => {
    const path = join(dir, 'small.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const checkpointer = await startWalCheckpointer(db, () => undefined, { resetPages: 100_000 });
    try {
      await db.kysely
        .insertInto('outbox')
        .values({
          type: 't',
          account_id: 'a',
          subject: 's',
          payload_json: KIB,
          created_at: '',
          delivered_at: null,
        })
        .execute();
      await ms(1500); // a checkpoint ran: PASSIVE copies, the file keeps its size
      expect(walBytes(path)).toBeGreaterThan(0);
    } finally {
      await checkpointer?.stop();
      await db.close();
    }
  }, 30_000);
});

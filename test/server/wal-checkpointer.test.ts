import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { startWalCheckpointer } from '../../src/store/wal-checkpointer.js';
import { holdWalResets } from '../../src/store/wal-reset-hold.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-wal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const walBytes = (path: string): number => (existsSync(`${path}-wal`) ? statSync(`${path}-wal`).size : 0);
const ms = (n: number) => new Promise((resolve) => setTimeout(resolve, n));
const KIB = 'x'.repeat(1024);

/** `count` outbox rows of 1 KiB in one transaction, their subjects from `subject`. */
async function writeOutbox(db: ServiceDb, count: number, subject: (i: number) => string): Promise<void> {
  await db.kysely.transaction().execute(async (trx) => {
    for (let i = 0; i < count; i++)
      await trx
        .insertInto('outbox')
        .values({
          type: 't',
          account_id: 'a',
          subject: subject(i),
          payload_json: KIB,
          created_at: '',
          delivered_at: null,
        })
        .execute();
  });
}

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
        await writeOutbox(db, 64, () => `s${rows++}`);
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

  it('does not reset while a run holds resets back, and does at once after it', async () => {
    const path = join(dir, 'held.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const errors: unknown[] = [];
    // Reset past 1 MiB; the cap (400 MiB) is out of reach here.
    const checkpointer = await startWalCheckpointer(db, (e) => errors.push(e), {
      resetPages: 256,
      capPages: 100_000,
    });
    let rows = 0;
    // Two seconds of back-to-back 64 KiB transactions; the WAL's size after each and how often it shrank.
    const write = async (): Promise<{ peak: number; resets: number }> => {
      let peak = 0;
      let resets = 0;
      let last = walBytes(path);
      for (const until = Date.now() + 2000; Date.now() < until;) {
        await writeOutbox(db, 64, () => `h${rows++}`);
        const now = walBytes(path);
        if (now < last) resets++;
        last = now;
        peak = Math.max(peak, now);
        await ms(1);
      }
      return { peak, resets };
    };
    try {
      const release = holdWalResets(db.kysely);
      let held: { peak: number; resets: number };
      try {
        held = await write();
      } finally {
        release();
      }
      // Held: two checkpoints saw the WAL far past the reset size (1 MiB), and neither reset it.
      expect(held.peak).toBeGreaterThan(8 * 1024 * 1024);
      expect(held.resets).toBe(0);
      // Released: the next checkpoints reset it.
      for (let i = 0; i < 5 && walBytes(path) > 1024 * 1024; i++) await ms(1000);
      expect(walBytes(path)).toBeLessThanOrEqual(1024 * 1024);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer?.stop();
      await db.close();
    }
  }, 30_000);

  it('resets right after the run that held it back, without waiting for a checkpoint', async () => {
    const path = join(dir, 'released.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const errors: unknown[] = [];
    // No timed checkpoint within the test: only the release can reset.
    const checkpointer = await startWalCheckpointer(db, (e) => errors.push(e), {
      resetPages: 256,
      intervalMs: 600_000,
    });
    try {
      const release = holdWalResets(db.kysely);
      await writeOutbox(db, 2048, (i) => `r${i}`);
      expect(walBytes(path)).toBeGreaterThan(2 * 1024 * 1024);
      release();
      for (let i = 0; i < 20 && walBytes(path) > 0; i++) await ms(100);
      expect(walBytes(path)).toBe(0);
      expect(errors).toEqual([]);
    } finally {
      await checkpointer?.stop();
      await db.close();
    }
  }, 30_000);

  it('resets after a run even when the next one holds already (runs back to back)', async () => {
    const path = join(dir, 'back-to-back.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const errors: unknown[] = [];
    // Checkpoints every 20 ms: a release often lands while one runs on the thread.
    const checkpointer = await startWalCheckpointer(db, (e) => errors.push(e), {
      resetPages: 256,
      intervalMs: 20,
    });
    try {
      for (let run = 0; run < 3; run++) {
        const release = holdWalResets(db.kysely);
        await writeOutbox(db, 2048, (i) => `r${run}-${i}`);
        expect(walBytes(path)).toBeGreaterThan(2 * 1024 * 1024);
        release();
        // The next run starts holding at once; the WAL of the one that ended is reset all the same.
        const next = holdWalResets(db.kysely);
        for (let i = 0; i < 20 && walBytes(path) > 0; i++) await ms(100);
        expect(walBytes(path), `after run ${run}`).toBe(0);
        next();
      }
      expect(errors).toEqual([]);
    } finally {
      await checkpointer?.stop();
      await db.close();
    }
  }, 60_000);

  it('resets past the cap even while held: a long run cannot grow the WAL without bound', async () => {
    const path = join(dir, 'capped.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    const checkpointer = await startWalCheckpointer(db, () => undefined, {
      resetPages: 256,
      capPages: 1024,
    });
    const release = holdWalResets(db.kysely);
    let peak = 0;
    let grown = 0;
    let last = 0;
    let rows = 0;
    try {
      for (const until = Date.now() + 4000; Date.now() < until;) {
        await writeOutbox(db, 64, () => `c${rows++}`);
        const now = walBytes(path);
        if (now > last) grown += now - last;
        last = now;
        peak = Math.max(peak, now);
        await ms(1);
      }
    } finally {
      release();
      await checkpointer?.stop();
      await db.close();
    }
    expect(grown).toBeGreaterThan(16 * 1024 * 1024);
    expect(peak).toBeLessThan(grown / 2);
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

import { existsSync, statSync } from 'node:fs';
import { sql } from 'kysely';
import { Piscina } from 'piscina';
import { isShareableUrl } from './service-db-reader.js';
import type { ServiceDb } from './service-db.js';
import { SERVER_BUSY_TIMEOUT_MS } from './service-db-defaults.js';
import type { CheckpointResult } from './wal-checkpointer-thread.js';
import { onWalResetsReleased, walResetsHeld } from './wal-reset-hold.js';

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** A second's worth of writes, at most, waits in the WAL for its checkpoint. */
const INTERVAL_MS = 1000;

/**
 * WAL pages past which the WAL is reset (64 MiB of 4 KiB pages). PASSIVE checkpoints copy pages but
 * never shrink the file, and a writer starts it over only when the last checkpoint copied every frame
 * and no reader still uses one: under a steady stream of commits (new hosts checking in) that moment
 * never came, and a 1,000-host check-in bench grew the WAL to 52 GB in seven minutes beside a 7 GB
 * database. A TRUNCATE on the checkpointer's thread did not help: it has to take the writer lock, and
 * the server's back-to-back transactions won every race for it.
 */
export const WAL_RESET_PAGES = 16_384;

/**
 * WAL pages past which it is reset even while a run holds resets back (wal-reset-hold.ts): 256 MiB.
 * One advisory's re-match at 10,000 hosts writes about 100 MiB, so it fits with room; a full re-match
 * still resets every 256 MiB: with a 1 GiB cap, its no-digest pass and a 100-advisory import ran 5 % and
 * 8 % slower than without the hold (one fleet bench run each, so not settled).
 */
export const WAL_CAP_PAGES = 65_536;

/** How long a reset waits for readers still on old pages before it is left for the next second. */
const RESET_WAIT_MS = 100;

/**
 * Empties the WAL on the server's own connection, between its transactions (the writer lock is ours):
 * the thread's PASSIVE checkpoints copy frames every second, so what this copies on the event loop is
 * the last second's commits at most.
 */
async function resetWal(db: ServiceDb): Promise<void> {
  await sql`PRAGMA busy_timeout = ${sql.lit(RESET_WAIT_MS)}`.execute(db.kysely);
  try {
    await sql`PRAGMA wal_checkpoint(TRUNCATE)`.execute(db.kysely);
  } finally {
    await sql`PRAGMA busy_timeout = ${sql.lit(SERVER_BUSY_TIMEOUT_MS)}`.execute(db.kysely);
  }
}

/** Frames in the WAL file, from its size (a 32-byte header, then 24 bytes before each 4 KiB page). */
function walPages(path: string): number {
  const wal = `${path}-wal`;
  return existsSync(wal) ? Math.floor(Math.max(0, statSync(wal).size - 32) / (24 + 4096)) : 0;
}

/**
 * Moves SQLite's WAL checkpoints off the event loop. By default the connection that commits past 1000
 * WAL pages checkpoints right then, in that commit: a scan's transaction of megabytes (its inventory,
 * its findings) then holds the server's only thread for the copy and its fsyncs. Here the server's
 * connection stops checkpointing and a thread of its own checkpoints every second instead. Nothing for
 * PostgreSQL or a DB only this connection can open; `onError` hears of a failed checkpoint.
 */
export async function startWalCheckpointer(
  db: ServiceDb,
  onError: (err: unknown) => void,
  opts: { resetPages?: number; capPages?: number; intervalMs?: number } = {},
): Promise<WalCheckpointer | undefined> {
  if (db.dialect !== 'sqlite' || !isShareableUrl(db.url)) return undefined;
  const path = db.url.slice('sqlite:'.length);
  // Under tsx (tests, the bench) the thread loads the TypeScript source through tsx as well.
  const typescript = import.meta.url.endsWith('.ts');
  const thread = new Piscina({
    filename: new URL(
      typescript ? './wal-checkpointer-thread.ts' : './wal-checkpointer-thread.js',
      import.meta.url,
    ).href,
    ...(typescript ? { execArgv: ['--import', 'tsx'] } : {}),
    minThreads: 1,
    maxThreads: 1,
    idleTimeout: Number.POSITIVE_INFINITY,
    atomics: 'disabled',
  });
  const resetPages = opts.resetPages ?? WAL_RESET_PAGES;
  const capPages = opts.capPages ?? WAL_CAP_PAGES;
  const due = (log: number): boolean => log > capPages || (log > resetPages && !walResetsHeld(db.kysely));
  let running: Promise<void> | undefined;
  /** A run released its hold while a checkpoint was running: its reset comes right after that one. */
  let releasedMeanwhile = false;
  // A run released its hold: its WAL is reset now, even if the next run already holds (back to back
  // runs: else the WAL grew across them until the cap reset it in the middle of one, 0.4 s there).
  const afterRelease = async (): Promise<void> => {
    releasedMeanwhile = false;
    if (walPages(path) > resetPages) await resetWal(db);
  };
  // One at a time: a slow disk makes checkpoints wait for each other, not pile up.
  const serially = (work: () => Promise<void>): void => {
    running ??= work()
      .then(() => undefined, onError)
      .finally(() => {
        running = undefined;
        if (releasedMeanwhile) serially(afterRelease);
      });
  };
  const timer = setInterval(
    () =>
      serially(async () => {
        const r = (await thread.run(path)) as CheckpointResult;
        if (due(r.log)) await resetWal(db);
      }),
    opts.intervalMs ?? INTERVAL_MS,
  );
  const unsubscribe = onWalResetsReleased(db.kysely, () => {
    releasedMeanwhile = true;
    serially(afterRelease);
  });
  await sql`PRAGMA wal_autocheckpoint = 0`.execute(db.kysely);
  return {
    stop: async () => {
      clearInterval(timer);
      unsubscribe();
      await running;
      // The server's connection checkpoints again from here on (and on close, as SQLite does).
      await sql`PRAGMA wal_autocheckpoint = 1000`.execute(db.kysely);
      await thread.destroy();
    },
  };
}

import { sql } from 'kysely';
import { Piscina } from 'piscina';
import { isShareableUrl } from './service-db-reader.js';
import type { ServiceDb } from './service-db.js';

export interface WalCheckpointer {
  stop(): Promise<void>;
}

/** A second's worth of writes, at most, waits in the WAL for its checkpoint. */
const INTERVAL_MS = 1000;

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
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    // One at a time: a slow disk makes checkpoints wait for each other, not pile up.
    running ??= thread
      .run(path)
      .then(() => undefined, onError)
      .finally(() => (running = undefined));
  }, INTERVAL_MS);
  await sql`PRAGMA wal_autocheckpoint = 0`.execute(db.kysely);
  return {
    stop: async () => {
      clearInterval(timer);
      await running;
      // The server's connection checkpoints again from here on (and on close, as SQLite does).
      await sql`PRAGMA wal_autocheckpoint = 1000`.execute(db.kysely);
      await thread.destroy();
    },
  };
}

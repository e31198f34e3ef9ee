/** Runs holding the WAL resets back, by the connection (Kysely instance) they write through. */
const holds = new WeakMap<object, number>();
/** Who hears that the last hold of a connection was released (its checkpointer). */
const listeners = new WeakMap<object, Set<() => void>>();

/**
 * Holds the WAL checkpointer's resets back (wal-checkpointer.ts) while a run of back-to-back write
 * transactions whose end someone waits for goes on: the re-match after a data change. A reset in its
 * middle held the server's thread for 0.15–0.3 s (it copies the last second's frames and fsyncs), in 6
 * of 20 one-advisory re-matches at 10,000 hosts; held, it comes right after the run (onWalResetsReleased),
 * once the run's caller has its answer.
 * The checkpointer still resets past its cap (WAL_CAP_PAGES), so a long run cannot grow the WAL without
 * bound. Returns the release (call it once, in a finally).
 */
export function holdWalResets(db: object): () => void {
  holds.set(db, (holds.get(db) ?? 0) + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const n = (holds.get(db) ?? 1) - 1;
    if (n > 0) holds.set(db, n);
    else {
      holds.delete(db);
      // After the continuation of whoever awaited the run: its findings exist before the reset starts.
      for (const fn of listeners.get(db) ?? []) setImmediate(fn);
    }
  };
}

/** Calls `fn` each time the last hold on `db` is released; returns the unsubscribe. */
export function onWalResetsReleased(db: object, fn: () => void): () => void {
  let set = listeners.get(db);
  if (!set) listeners.set(db, (set = new Set()));
  set.add(fn);
  return () => set.delete(fn);
}

/** Whether a run holds the resets of this connection back. */
export function walResetsHeld(db: object): boolean {
  return holds.has(db);
}

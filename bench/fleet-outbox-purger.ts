import { purgeHistory } from '../src/jobs/history-purge.js';
import type { StoreContext } from '../src/store/store-context.js';

/** Between two purges of the outbox while the first pass runs. */
const PURGE_EVERY_MS = 20_000;

/**
 * The outbox purged every PURGE_EVERY_MS by the retention sweep's own purge (jobs/history-purge.ts), as
 * on a server with no webhook subscription whose retention has passed: the first pass's ~600 events
 * per host (2.6 MB, each carries its finding) do not accumulate. Only during the first pass: the
 * measured phases after it write and keep their events as always. Stop returns the events purged.
 */
export function outboxPurger(ctx: StoreContext, notes: string[]): { stop(): Promise<number> } {
  let purged = 0;
  let running: Promise<void> = Promise.resolve();
  // One purge at a time: a slow one is not overtaken by the next tick.
  const purge = (): Promise<void> =>
    (running = running.then(async () => {
      try {
        purged += (await purgeHistory(ctx, '9999-12-31T23:59:59.999Z')).outbox;
      } catch (err) {
        notes.push(`outbox purge failed: ${String(err)}`);
      }
    }));
  const timer = setInterval(() => void purge(), PURGE_EVERY_MS);
  return {
    async stop() {
      clearInterval(timer);
      await purge();
      return purged;
    },
  };
}

import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { recordHeartbeat, type HostCheckinState } from './host-agent-store.js';

type Beat = Parameters<typeof recordHeartbeat>[2];

interface Waiting {
  host: HostCheckinState;
  beat: Beat;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Heartbeats written in one transaction at most; more wait for the next. */
const MAX_BATCH = 500;

/**
 * Heartbeats written together: every heartbeat that arrives while the previous write is being made (or
 * in the same turn of the event loop) goes into the next transaction, and each caller's promise settles
 * when that transaction has committed. So an agent is answered only once its check-in is stored, as
 * before, but a thousand heartbeats a second cost tens of commits rather than a thousand (group
 * commit). Should a batch fail, each of its heartbeats is written again alone, so that one bad row
 * fails only its own request.
 */
class HeartbeatBatcher {
  private waiting: Waiting[] = [];
  private writing = false;

  constructor(private readonly db: Kysely<ServiceDatabase>) {}

  record(host: HostCheckinState, beat: Beat): Promise<void> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ host, beat, resolve, reject });
      if (!this.writing && this.waiting.length === 1) setImmediate(() => void this.drain());
    });
  }

  private async drain(): Promise<void> {
    if (this.writing) return;
    this.writing = true;
    try {
      while (this.waiting.length > 0) {
        const batch = this.waiting.splice(0, MAX_BATCH);
        await this.write(batch);
      }
    } finally {
      this.writing = false;
    }
  }

  private async write(batch: readonly Waiting[]): Promise<void> {
    try {
      await this.db.transaction().execute(async (trx) => {
        for (const w of batch) await recordHeartbeat(trx, w.host, w.beat);
      });
      for (const w of batch) w.resolve();
    } catch {
      for (const w of batch) await recordHeartbeat(this.db, w.host, w.beat).then(w.resolve, w.reject);
    }
  }
}

const batchers = new WeakMap<Kysely<ServiceDatabase>, HeartbeatBatcher>();

/** recordHeartbeat for a check-in outside any transaction, group-committed with the others meanwhile. */
export function recordHeartbeatBatched(
  db: Kysely<ServiceDatabase>,
  host: HostCheckinState,
  beat: Beat,
): Promise<void> {
  let b = batchers.get(db);
  if (!b) batchers.set(db, (b = new HeartbeatBatcher(db)));
  return b.record(host, beat);
}

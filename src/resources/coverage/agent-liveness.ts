import type { StoreContext } from '../../store/store-context.js';
import { lockCoverage, purgeTerminatedCoverage, refreshCoverage } from './coverage-store.js';

const DAY_MS = 24 * 3600 * 1000;
/** Reasons that outrank or already are the one a time-based check would set. */
const SETTLED_OFFLINE = ['AGENT_OFFLINE', 'RESOURCE_TERMINATED', 'SCAN_TYPE_DISABLED', 'EXCLUDED_BY_TAG'];
const SETTLED_STALE = [...SETTLED_OFFLINE, 'STALE_INVENTORY'];
const BATCH = 500;

export interface LivenessRun {
  offline: number;
  stale: number;
  purged: number;
}

/**
 * What time alone changes: hosts whose agent has not checked in for 3 intervals become AGENT_OFFLINE;
 * hosts asked for an inventory 3 intervals ago without one arriving become STALE_INVENTORY (each with
 * its coverage event); coverage rows of resources deleted longer ago than the retention go. Coming
 * back is decided where it happens (a check-in, an inventory). Found by indexed comparisons on the
 * precomputed instants, so a run over a fleet where nothing changed reads nothing but two index ranges.
 */
export async function refreshAgentLiveness(ctx: StoreContext, retentionDays: number): Promise<LivenessRun> {
  const now = ctx.now();
  const at = now.toISOString();
  const run: LivenessRun = { offline: 0, stale: 0, purged: 0 };
  for (const kind of ['offline', 'stale'] as const) {
    for (;;) {
      const due = await dueHosts(ctx, kind, at);
      const before = run[kind];
      for (const h of due) {
        const changed = await ctx.db.transaction().execute(async (trx) => {
          await lockCoverage(trx, h.account_id, h.resource_id);
          const r = await refreshCoverage(trx, { accountId: h.account_id, resourceId: h.resource_id, now });
          return r?.changed ?? false;
        });
        if (changed) run[kind] += 1;
      }
      // A full batch where nothing changed would come back whole: stop rather than spin.
      if (due.length < BATCH || run[kind] === before) break;
    }
  }
  const cutoff = new Date(now.getTime() - retentionDays * DAY_MS).toISOString();
  run.purged = await purgeTerminatedCoverage(ctx.db, cutoff);
  return run;
}

async function dueHosts(
  ctx: StoreContext,
  kind: 'offline' | 'stale',
  at: string,
): Promise<Array<{ account_id: string; resource_id: string }>> {
  let q = ctx.db
    .selectFrom('host_agents as h')
    .innerJoin('coverage as c', (j) =>
      j
        .onRef('c.account_id', '=', 'h.account_id')
        .onRef('c.resource_id', '=', 'h.resource_id')
        .on('c.scan_type', '=', 'PACKAGE'),
    )
    .select(['h.account_id', 'h.resource_id']);
  q =
    kind === 'offline'
      ? q.where('h.offline_at', '<=', at).where('c.reason', 'not in', SETTLED_OFFLINE)
      : q
          .where('h.stale_at', '<=', at)
          .where('h.offline_at', '>', at)
          .where('c.reason', 'not in', SETTLED_STALE);
  return q.orderBy('h.account_id').orderBy('h.resource_id').limit(BATCH).execute();
}

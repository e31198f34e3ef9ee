import { purgeSessions } from '../accounts/console-sessions.js';
import { purgeHistory } from './history-purge.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

const DAY_MS = 24 * 60 * 60 * 1000;
/** The sweep is cheap (an indexed range delete) but there is no point running it every poll. */
const INTERVAL_MS = 60 * 60 * 1000;

/**
 * Purges CLOSED findings closed more than `retentionDays` ago (DESIGN §3: Inspector keeps closed
 * findings 30 days). Open findings are never purged, whatever their age. A purged finding that a later
 * scan sees again comes back as a new finding with a new firstObservedAt (and a fresh status history).
 */
export async function purgeClosedFindings(ctx: ServiceContext): Promise<number> {
  const cutoff = new Date(ctx.now().getTime() - ctx.config.retentionDays * DAY_MS).toISOString();
  // The history goes with its finding; first, while the subquery can still find the purged ids.
  await ctx.db
    .deleteFrom('finding_status_history')
    .where('finding_id', 'in', (eb) =>
      eb.selectFrom('findings').select('id').where('status', '=', 'CLOSED').where('closed_at', '<', cutoff),
    )
    .execute();
  const r = await ctx.db
    .deleteFrom('findings')
    .where('status', '=', 'CLOSED')
    .where('closed_at', '<', cutoff)
    .executeTakeFirst();
  await purgeHistory(ctx, cutoff);
  // Console sessions are useless once expired or ended: they go at the next sweep.
  await purgeSessions(ctx.db, ctx.now());
  return Number(r.numDeletedRows);
}

/**
 * The loop's first tick (at start) is skipped: a server starting must not purge under a client (or a
 * test) that just wrote; `runOnce` always purges, so tests drive it with a moved clock.
 */
export function createRetentionTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let started = false;
  const loop = pollingTask(
    'retention',
    Math.max(ctx.config.pollIntervalMs, INTERVAL_MS),
    async () => {
      if (!started) {
        started = true;
        return;
      }
      await purgeClosedFindings(ctx);
    },
    (err) => log.error({ err }, 'retention sweep failed'),
  );
  return {
    name: loop.name,
    start: () => loop.start(),
    stop: () => loop.stop(),
    runOnce: async () => {
      await purgeClosedFindings(ctx);
    },
  };
}

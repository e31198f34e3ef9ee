import type { FastifyInstance } from 'fastify';
import { pollingTask } from '../server/background/polling-task.js';
import type { BackgroundTask, ServerContext } from '../server/server-context.js';
import { deliverDue } from './webhook-delivery.js';
import { fanOut } from './webhook-fanout.js';

/** Wall-clock budget of one run's deliveries, so a stop or the next fan-out never waits long. */
const RUN_BUDGET_MS = 5_000;

/**
 * The durable event dispatcher: outbox → per-subscription deliveries (fan-out) → signed CloudEvents
 * over HTTP, at least once, in outbox order per subscription. All state is in the DB (cursors and
 * delivery rows), so a killed server resumes where it was on restart; subscriptions are served side by
 * side, so one slow receiver delays only its own events.
 */
export function createWebhookDispatcher(ctx: ServerContext, app: FastifyInstance): BackgroundTask {
  let stopping = new AbortController();
  const once = async (): Promise<void> => {
    await fanOut(ctx.db, ctx.dialect, ctx.now().toISOString());
    const subs = await ctx.db
      .selectFrom('webhook_subscriptions')
      .selectAll()
      .where('enabled', '=', 1)
      .where((eb) =>
        eb.exists(
          eb
            .selectFrom('webhook_deliveries')
            .select('seq')
            .whereRef('webhook_deliveries.subscription_id', '=', 'webhook_subscriptions.id')
            .where('webhook_deliveries.status', '=', 'PENDING'),
        ),
      )
      .execute();
    const limits = { deadline: Date.now() + RUN_BUDGET_MS, stop: stopping.signal };
    await Promise.all(subs.map((sub) => deliverDue(ctx, sub, limits)));
  };
  const task = pollingTask('webhook-dispatcher', ctx.config.pollIntervalMs, once, (err) =>
    // Never the secret or the body: the error is a DB or programming error here (HTTP ones are logged).
    app.log.error({ err }, 'webhook dispatcher run failed'),
  );
  return {
    name: task.name,
    start() {
      if (stopping.signal.aborted) stopping = new AbortController();
      task.start();
    },
    async stop() {
      stopping.abort();
      await task.stop();
    },
    runOnce() {
      if (stopping.signal.aborted) stopping = new AbortController();
      return task.runOnce();
    },
  };
}

import { DeliveryLanes } from '../events/webhooks/webhook-dispatch.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Wall-clock budget of one lane's run, so a lane ends now and then and sees subscription changes. */
const LANE_BUDGET_MS = 5_000;

/**
 * The webhook dispatcher as a loop: each poll fans out and starts a lane for every subscription with
 * deliveries due that has none running (webhook-dispatch.ts), without waiting for the lanes; a stop
 * aborts deliveries in flight (they are retried later). `runOnce` (tests) waits for its lanes.
 */
export function createWebhookDispatcher(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let stopping = new AbortController();
  // Never the secret or the body: the error is a DB or programming error here (HTTP ones are logged).
  const lanes = new DeliveryLanes(ctx, ctx.config.webhookConcurrency, (err) =>
    log.error({ err }, 'webhook delivery lane failed'),
  );
  const once = (): Promise<void> =>
    lanes.dispatch(() => ({ deadline: Date.now() + LANE_BUDGET_MS, stop: stopping.signal }));
  const task = pollingTask('webhook-dispatcher', ctx.config.pollIntervalMs, once, (err) =>
    log.error({ err }, 'webhook dispatcher run failed'),
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
      await lanes.settle();
    },
    async runOnce() {
      if (stopping.signal.aborted) stopping = new AbortController();
      await task.runOnce();
      await lanes.settle();
    },
  };
}

import { dispatchWebhooksOnce } from '../events/webhooks/webhook-dispatch.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Wall-clock budget of one run's deliveries, so a stop or the next fan-out never waits long. */
const RUN_BUDGET_MS = 5_000;

/** The webhook dispatcher as a loop; a stop aborts deliveries in flight (they are retried later). */
export function createWebhookDispatcher(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let stopping = new AbortController();
  const once = (): Promise<void> =>
    dispatchWebhooksOnce(ctx, { deadline: Date.now() + RUN_BUDGET_MS, stop: stopping.signal });
  const task = pollingTask('webhook-dispatcher', ctx.config.pollIntervalMs, once, (err) =>
    // Never the secret or the body: the error is a DB or programming error here (HTTP ones are logged).
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
    },
    runOnce() {
      if (stopping.signal.aborted) stopping = new AbortController();
      return task.runOnce();
    },
  };
}

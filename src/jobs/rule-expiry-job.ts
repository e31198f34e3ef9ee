import { reevaluateExpiredRules } from '../findings/suppression/rule-expiry.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Re-evaluates suppression for rules that expired since the previous run. */
export function createRuleExpiryTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let since: string | undefined;
  const once = async (): Promise<void> => {
    // Only after every account is done: a failed run is retried whole on the next tick.
    since = await reevaluateExpiredRules(ctx, since);
  };
  return pollingTask('rule-expiry', ctx.config.pollIntervalMs, once, (err) =>
    log.error({ err }, 'rule expiry run failed'),
  );
}

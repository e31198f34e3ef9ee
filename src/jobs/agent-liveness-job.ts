import { refreshAgentLiveness } from '../resources/coverage/agent-liveness.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Often enough to show an offline host within seconds of its third missed interval, cheap when idle. */
const INTERVAL_MS = 15_000;

/** Marks silent agents AGENT_OFFLINE and missing inventories STALE_INVENTORY as time passes. */
export function createAgentLivenessTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'agent-liveness',
    Math.min(INTERVAL_MS, Math.max(ctx.config.pollIntervalMs, 1000 * ctx.config.agentCheckinIntervalSeconds)),
    async () => {
      await refreshAgentLiveness(ctx, ctx.config.retentionDays);
    },
    (err) => log.error({ err }, 'agent liveness run failed'),
  );
}

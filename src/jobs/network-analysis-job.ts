import { reanalyseDueAgentlessInstances } from '../scan/agentless-network-analysis.js';
import { reanalyseDueHostNetworks } from '../scan/network-analysis.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** How often the job looks for hosts whose analysis is over 12 h old (a cheap indexed query when none is). */
const INTERVAL_MS = 10 * 60 * 1000;

/** Network reachability analysed again every 12 h per host (scan/network-analysis.ts). */
export function createNetworkAnalysisTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'network-analysis',
    Math.max(ctx.config.pollIntervalMs, INTERVAL_MS),
    async () => {
      await reanalyseDueHostNetworks(ctx.db, ctx.now(), (host, err) =>
        log.error({ err, ...host }, 'network re-analysis of a host failed'),
      );
      await reanalyseDueAgentlessInstances(ctx.db, ctx.now(), (at, err) =>
        log.error({ err, ...at }, 'network re-analysis of agentless instances failed'),
      );
    },
    (err) => log.error({ err }, 'network re-analysis run failed'),
  );
}

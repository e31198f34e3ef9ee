import { expireLapsedImages } from '../resources/registries/image-window-sweep.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/** Windows are days long: a minute's lag is nothing, and an idle run is one indexed query. */
const INTERVAL_MS = 60_000;

/** Turns images past their rescan window INACTIVE (SCAN_ELIGIBILITY_EXPIRED) and closes their findings. */
export function createImageWindowTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  return pollingTask(
    'image-window',
    Math.max(ctx.config.pollIntervalMs, Math.min(INTERVAL_MS, ctx.config.pollIntervalMs * 20)),
    async () => {
      await expireLapsedImages(ctx);
    },
    (err) => log.error({ err }, 'image rescan window sweep failed'),
  );
}

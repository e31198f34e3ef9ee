import { publishMetric } from '../core/metrics/metric-events.js';
import { rematchFromImportLog } from '../scan/rematch-from-log.js';
import { pollingTask } from './polling-task.js';
import type { BackgroundTask, JobLogger, ServiceContext } from './service-context.js';

/**
 * Re-matches stored inventories after the vulnerability DB changed: polls the DB's import log (a cheap
 * indexed read) every poll interval, so an import committed by anyone sharing the file — the server's
 * own update, an upload, `vigil db import --db` beside it — reaches the findings within a poll plus
 * the re-match. Stopping the server aborts a long re-match at its next batch; what was applied stays,
 * and the import-log position is only moved once a run finished, so the next start does it again.
 */
export function createRematchTask(ctx: ServiceContext, log: JobLogger): BackgroundTask {
  let abort = new AbortController();
  const once = async (): Promise<void> => {
    const vulnDb = ctx.vulnDb;
    if (!vulnDb) return;
    // The run's summary is kept in rematch_state.last_run_json (JobLogger only reports failures).
    const started = performance.now();
    const run = await rematchFromImportLog(ctx, vulnDb, { signal: abort.signal });
    // Only runs that had imports to re-match: an idle poll is not a re-match.
    if (run)
      publishMetric('rematchFinished', { mode: run.mode, seconds: (performance.now() - started) / 1000 });
  };
  const loop = pollingTask('rematch', ctx.config.pollIntervalMs, once, (err) => {
    if (!abort.signal.aborted) log.error({ err }, 're-match after a vulnerability DB import failed');
  });
  return {
    name: loop.name,
    start: () => {
      abort = new AbortController();
      loop.start();
    },
    stop: async () => {
      abort.abort();
      await loop.stop();
    },
    runOnce: () => loop.runOnce(),
  };
}

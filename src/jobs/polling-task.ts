import { runAsJob } from '../core/log/job-context.js';
import type { BackgroundTask } from './service-context.js';

/**
 * A task that runs `once` every `intervalMs`, never overlapping itself, and stops cleanly (waits for a
 * run in progress). Errors are reported and the loop goes on: one bad job must not stop the rest.
 */
export function pollingTask(
  name: string,
  intervalMs: number,
  once: () => Promise<void>,
  onError: (err: unknown) => void = () => undefined,
): BackgroundTask {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  /** A run asked for by runOnce (an upload's re-match): the loop's next tick waits for it. */
  let asked: Promise<void> | undefined;
  let stopped = true;
  // Each run is one job run for the logs: its lines, and its error's, carry the job's name and a run id.
  const run = (): Promise<void> =>
    runAsJob(name, async () => {
      try {
        await once();
      } catch (err) {
        onError(err);
      }
    });
  const tick = (): void => {
    if (stopped) return;
    running = (asked ?? Promise.resolve()).then(run).finally(() => {
      running = undefined;
      if (!stopped) timer = setTimeout(tick, intervalMs);
    });
  };
  return {
    name,
    start() {
      if (!stopped) return;
      stopped = false;
      timer = setTimeout(tick, 0);
    },
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
      await asked;
    },
    async runOnce() {
      // Serialized with the loop both ways: it waits for a scheduled run, and a tick due meanwhile waits for it.
      while (running ?? asked) await (running ?? asked);
      const p = runAsJob(name, once);
      const settled = p.then(
        () => undefined,
        () => undefined,
      );
      asked = settled;
      void settled.finally(() => {
        if (asked === settled) asked = undefined;
      });
      await p;
    },
  };
}

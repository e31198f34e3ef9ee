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
  let stopped = true;
  const run = async (): Promise<void> => {
    try {
      await once();
    } catch (err) {
      onError(err);
    }
  };
  const tick = (): void => {
    if (stopped) return;
    running = run().finally(() => {
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
    },
    async runOnce() {
      // Serialized with the loop so a test's runOnce never races a scheduled run.
      while (running) await running;
      await once();
    },
  };
}

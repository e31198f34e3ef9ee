import { describe, expect, it } from 'vitest';
import { pollingTask } from './polling-task.js';

/** A run that holds until released, counting how many runs overlap. */
function overlapProbe(): { once: () => Promise<void>; maxActive: () => number; runs: () => number } {
  let active = 0;
  let max = 0;
  let runs = 0;
  return {
    once: async () => {
      active++;
      runs++;
      max = Math.max(max, active);
      // Several turns of the event loop, so a scheduled tick gets its chance to start meanwhile.
      for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r));
      active--;
    },
    maxActive: () => max,
    runs: () => runs,
  };
}

describe('pollingTask', () => {
  it('never runs twice at once: runOnce waits for a scheduled run, and a tick due meanwhile waits for runOnce', async () => {
    const probe = overlapProbe();
    const task = pollingTask('probe', 0, probe.once);
    task.start();
    try {
      // Asked runs (an upload's re-match) while the loop ticks as fast as it can.
      await Promise.all(Array.from({ length: 20 }, () => task.runOnce()));
    } finally {
      await task.stop();
    }
    expect(probe.runs()).toBeGreaterThan(20);
    expect(probe.maxActive()).toBe(1);
  });

  it('runOnce reports its own failure; the loop carries on', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const task = pollingTask(
      'flaky',
      0,
      () => (fail ? Promise.reject(new Error('boom')) : Promise.resolve()),
      (err) => errors.push(err),
    );
    await expect(task.runOnce()).rejects.toThrow('boom');
    fail = false;
    await expect(task.runOnce()).resolves.toBeUndefined();
    await task.stop();
    expect(errors).toEqual([]);
  });
});

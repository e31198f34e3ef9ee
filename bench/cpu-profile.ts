import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';

/**
 * `run` with the event loop's thread under the V8 profiler when `file` is set: that phase alone, written
 * as a .cpuprofile (worker threads are not in it; `node --cpu-prof` profiles them).
 */
export async function profiled<T>(file: string | undefined, run: () => Promise<T>): Promise<T> {
  if (!file) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(file, JSON.stringify(profile));
    session.disconnect();
  }
}

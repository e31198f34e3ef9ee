import { performance } from 'node:perf_hooks';
import { EgressTimeoutError } from './egress-timeout-error.js';

export interface BodyGuard {
  host: string;
  /** The waiting time over which the rate is judged. */
  windowMs: number;
  minBytesPerSecond: number;
  /** Turns a read error (undici's body timeout, a reset) into ours. */
  mapError: (err: unknown) => unknown;
}

/**
 * A response body that fails with EGRESS_TIMEOUT (phase `slow`) when the remote sends less than the
 * minimum rate over a window of waiting. Only time spent waiting on the remote counts (reads are made
 * when the consumer asks, so a slow consumer never looks like a slow server); a silence longer than
 * the idle timeout is undici's body timeout, mapped by `mapError`.
 */
export function guardedBody(
  source: ReadableStream<Uint8Array>,
  guard: BodyGuard,
): ReadableStream<Uint8Array> {
  const reader = source.getReader();
  let waited = 0;
  let bytes = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        const started = performance.now();
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await reader.read();
        } catch (err) {
          controller.error(guard.mapError(err));
          return;
        }
        if (next.done) {
          controller.close();
          return;
        }
        waited += performance.now() - started;
        bytes += next.value.byteLength;
        if (waited >= guard.windowMs) {
          if (bytes * 1000 < guard.minBytesPerSecond * waited) {
            const err = new EgressTimeoutError(guard.host, 'slow', guard.windowMs);
            await reader.cancel(err).catch(() => undefined);
            controller.error(err);
            return;
          }
          waited = 0;
          bytes = 0;
        }
        controller.enqueue(next.value);
      },
      cancel(reason) {
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
}

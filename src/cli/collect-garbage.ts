import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let collect: (() => void) | undefined | null;

/**
 * A full garbage collection, between a command's phases: `vigil sbom /` leaves ~70 MB of dead parse
 * results in the old generation, which V8 (sizing its next collection from the last one) would keep
 * while the SBOM is built on top, so the phases' peaks would add up. Node exposes `gc` only under a
 * flag; setting it at run time and taking `gc` from a fresh context is the way Jest's leak detector
 * does it. Where the flag cannot be set, this does nothing: only memory is at stake, never output.
 */
export function collectGarbage(): void {
  if (collect === undefined) {
    try {
      setFlagsFromString('--expose-gc');
      const gc: unknown = runInNewContext('gc');
      collect = typeof gc === 'function' ? (gc as () => void) : null;
    } catch {
      collect = null;
    }
  }
  collect?.();
}

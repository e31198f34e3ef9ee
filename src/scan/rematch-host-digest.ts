import { FindingSetDigest } from '../findings/finding-set-digest.js';
import type { FindingTemplate } from './scan-memo.js';

/** Sums of memoized components' templates (shared arrays: each is hashed once per run). */
const componentDigests = new WeakMap<readonly FindingTemplate[], FindingSetDigest>();

/**
 * The digest of a host's whole result as a set of findings (finding-set-digest.ts): the sum of its
 * components' sums, so it equals what a scan records from the same findings stored.
 */
export function hostDigest(components: ReadonlyArray<readonly FindingTemplate[]>): string {
  const host = new FindingSetDigest();
  for (const c of components) {
    let d = componentDigests.get(c);
    if (d === undefined) {
      d = new FindingSetDigest();
      for (const t of c) d.addFinding(t.packageKey, t.vulnerabilityId, t.digest);
      componentDigests.set(c, d);
    }
    host.addSet(d);
  }
  return host.toString();
}

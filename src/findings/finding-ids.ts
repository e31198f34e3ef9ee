import { hash } from 'node:crypto';

/** Ids handed out within one millisecond before the clock part moves on (12 bits of counter). */
const PER_MS = 0x1000;

let lastMs = 0;
let counter = 0;

/**
 * A new finding's id: 32 hex digits, ordered by creation as a UUIDv7 is — 12 of milliseconds and 3 of
 * a counter (strictly increasing within this process), then 17 of a hash of (account, identity).
 *
 * Why ordered: nearly every findings index ends in the id. With a hash alone each new finding landed
 * on a page of its own in ~17 indexes, and every such page was written again at commit; in creation
 * order a scan's or a re-match's findings land together at each index's right edge. Why not the scan's
 * own time: one re-match creates hundreds of thousands of findings at one logical `now`.
 * Unique because the counter is, and the (account, resource, identity) index stays the guard of the
 * creation race (two writers creating the same finding: one fails there).
 */
export function newFindingId(accountId: string, identityKey: string): string {
  const now = Date.now();
  if (now > lastMs) {
    lastMs = now;
    counter = 0;
  } else if (++counter === PER_MS) {
    // More than 4,096 in one millisecond: borrow the next one (the clock catches up at once).
    lastMs++;
    counter = 0;
  }
  const digest = hash('sha256', `${accountId}\0${identityKey}`, 'hex');
  return lastMs.toString(16).padStart(12, '0') + counter.toString(16).padStart(3, '0') + digest.slice(0, 17);
}

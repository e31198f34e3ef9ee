import type { ResourceType } from '../findings/finding-types.js';
import type { RematchTarget } from '../resources/rematch-targets.js';

/** Whether a resource with a stored inventory is re-matched when the vulnerability data changes. */
export type RematchEligibility = (target: RematchTarget, now: Date) => boolean;

/** A host excluded by tag has its findings closed (issue 12's EXCLUDED_BY_TAG): never reopen them. */
function notExcluded(t: RematchTarget): boolean {
  return t.tags['vigil:exclude'] !== 'true';
}

/**
 * An image a watched registry told of is re-matched only under a CONTINUOUS_SCAN rule and inside its
 * rescan window (pushed, or pulled, recently enough: Inspector's rescan duration); SCAN_ON_PUSH images
 * are scanned once per push. An image scanned by hand (POST …/image-scans) has no window: always.
 */
function inWindow(t: RematchTarget, now: Date): boolean {
  if (!t.image) return notExcluded(t);
  if (t.image.frequency !== 'CONTINUOUS_SCAN') return false;
  return t.image.eligibleUntil === null || t.image.eligibleUntil > now.toISOString();
}

/**
 * THE hook for which stored inventories a data change re-matches, per resource type. Hosts: every
 * live, not excluded host (the account scans hosts: rematch-targets checks it). Images: see inWindow.
 */
export const REMATCH_ELIGIBILITY: Readonly<Record<ResourceType, RematchEligibility>> = {
  HOST: notExcluded,
  CONTAINER_IMAGE: inWindow,
  CONTAINER_REPOSITORY: () => false,
};

export const defaultRematchEligibility: RematchEligibility = (t, now) => REMATCH_ELIGIBILITY[t.type](t, now);

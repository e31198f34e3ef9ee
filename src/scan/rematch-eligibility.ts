import type { ResourceType } from '../findings/finding-types.js';
import type { RematchTarget } from '../resources/rematch-targets.js';

/** Whether a resource with a stored inventory is re-matched when the vulnerability data changes. */
export type RematchEligibility = (target: RematchTarget, now: Date) => boolean;

/** A host excluded by tag has its findings closed (issue 12's EXCLUDED_BY_TAG): never reopen them. */
function notExcluded(t: RematchTarget): boolean {
  return t.tags['vigil:exclude'] !== 'true';
}

/**
 * THE hook for which stored inventories a data change re-matches, per resource type. Hosts: every
 * live, not excluded host (the account scans hosts: rematch-targets checks it). Images: every stored
 * image for now; the registries issue (13) replaces this entry with its rescan windows (an image is
 * re-matched while it was pushed or pulled within its repository's window, Inspector's "rescan
 * duration"), and nothing else needs to change.
 */
export const REMATCH_ELIGIBILITY: Readonly<Record<ResourceType, RematchEligibility>> = {
  HOST: notExcluded,
  CONTAINER_IMAGE: notExcluded,
  CONTAINER_REPOSITORY: () => false,
};

export const defaultRematchEligibility: RematchEligibility = (t, now) => REMATCH_ELIGIBILITY[t.type](t, now);

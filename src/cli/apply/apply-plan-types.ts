import type { CollectionKind, Desired, Fields, LiveObject, SingletonKind } from './apply-kind.js';

/** One step of a plan, in the order apply takes them. */
export type Change =
  | { op: 'create-organization'; name: string; administrator: string }
  | { op: 'create-account'; accountId: string; name: string }
  | { op: 'set'; accountId: string; kind: SingletonKind; before?: Fields; after: Fields; changed: string[] }
  | { op: 'create'; accountId: string; kind: CollectionKind; desired: Desired }
  | {
      op: 'update';
      accountId: string;
      kind: CollectionKind;
      live: LiveObject;
      desired: Desired;
      changed: string[];
      /** An object apply did not create, now declared: apply records that it owns it. */
      adopt: boolean;
    }
  | {
      op: 'replace';
      accountId: string;
      kind: CollectionKind;
      live: LiveObject;
      desired: Desired;
      changed: string[];
      owned: boolean;
    }
  | { op: 'delete'; accountId: string; kind: CollectionKind; live: LiveObject };

/** An object apply owns that the file no longer declares, left in place without `--prune`. */
export interface Kept {
  accountId: string;
  kind: CollectionKind;
  live: LiveObject;
}

export interface Plan {
  file: string;
  /** The organization of the administrator account, when it exists already. */
  organizationId?: string;
  changes: Change[];
  kept: Kept[];
  warnings: string[];
}

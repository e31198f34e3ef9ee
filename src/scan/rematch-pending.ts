import type { RematchTarget } from '../resources/rematch-targets.js';
import type { FindingTemplate } from './scan-memo.js';

/** A host whose re-match changes its findings, waiting for its batch's transaction. */
export interface Pending {
  target: RematchTarget;
  found: FindingTemplate[];
  scope?: string[];
  /** Only the stored findings of these vulnerability ids are compared (rematch-record-scope.ts). */
  vulnerabilityIds?: readonly string[];
  /** A full re-match's digest of `found`, recorded with it. */
  digest?: string;
}

/** Hosts waiting for their write transaction, flushed once they weigh rowsPerTransaction findings. */
export class PendingWrites {
  private pending: Pending[] = [];
  private weight = 0;

  constructor(
    private readonly bound: number,
    private readonly write: (p: readonly Pending[]) => Promise<void>,
  ) {}

  async add(p: Pending, weight: number): Promise<void> {
    this.pending.push(p);
    this.weight += weight;
    if (this.weight >= this.bound) await this.flush();
  }

  async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    this.weight = 0;
    await this.write(batch);
  }
}

import { backfillFindingDigests } from '../findings/finding-digest-store.js';
import type { FindingResource } from '../findings/finding-types.js';
import {
  componentRowsHolding,
  indexRowsOf,
  resourcesHoldingKeys,
  type ResourceRef,
} from '../resources/inventory-index.js';
import { reindexInventory, staleIndexes } from '../resources/inventory-index-backfill.js';
import { rematchTargets, storedInventoryPage, type RematchTarget } from '../resources/rematch-targets.js';
import type { StoreContext } from '../store/store-context.js';
import { holdWalResets } from '../store/wal-reset-hold.js';
import type { PackageKey } from '../vulndb/import-types.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { hostInputs, keyedHostInput, type Host } from './rematch-inputs.js';
import { defaultRematchEligibility, type RematchEligibility } from './rematch-eligibility.js';
import { applyRematches } from './scan-apply.js';
import { vouchUnchanged } from './rematch-unchanged.js';
import { PendingWrites, type Pending } from './rematch-pending.js';
import { hostDigest } from './rematch-host-digest.js';
import { MAX_SCOPED_RECORDS, RecordScope } from './rematch-record-scope.js';
import { ScanMemo, specialize, type FindingTemplate } from './scan-memo.js';

export interface RematchOptions {
  /** Resources per batch (one read of their index rows and finding digests). Default 200. */
  batchSize?: number;
  /** Which stored inventories are re-matched (default: rematch-eligibility.ts). */
  eligible?: RematchEligibility;
  /**
   * Findings (produced plus stored) of the hosts written per transaction: bounds how long one
   * transaction holds the writer. Default 2,000 (a few hosts on a first pass; by keys, a host weighs what
   * it found plus one, so about a thousand hosts for an advisory).
   */
  rowsPerTransaction?: number;
  /** Longest run of work on the event loop before it yields to requests, in ms. Default 20. */
  sliceMs?: number;
  /** Stops at the next batch (server shutdown); what was applied stays applied. */
  signal?: AbortSignal;
  /**
   * By keys: the change only added these records (none updated or withdrawn), so only the findings
   * they can reach are compared (rematch-record-scope.ts).
   */
  newRecords?: readonly string[];
}

export interface RematchSummary {
  /** `keys`: the stored inventories holding a changed key; `full`: every stored inventory. */
  mode: 'keys' | 'full';
  keys: number;
  /** Stored inventories selected (holding a key, or all). */
  selected: number;
  /** Of those, re-matched (eligible: live, scanned, not excluded). */
  rematched: number;
  /**
   * Of those, the ones whose stored findings were read and compared: by keys, all; a full re-match
   * skips unread a host whose recorded digest is its result's (left by a scan or a re-match).
   */
  compared: number;
  /** New records the comparison was narrowed to (rematch-record-scope.ts); 0: whole package scopes. */
  newRecords: number;
  /** Resources whose findings changed. */
  changed: number;
  created: number;
  updated: number;
  closed: number;
  /** Distinct components matched and built; the rest came from the memo. */
  componentsBuilt: number;
  componentHits: number;
  /** Distinct (context, ecosystem key, name, version) decisions matched against the DB. */
  packagesMatched: number;
  ms: number;
}

/** A re-match that did nothing: what a run with no change to apply, or one handed to the queue, reports. */
export function emptyRematchSummary(mode: RematchSummary['mode'] = 'keys'): RematchSummary {
  return {
    mode,
    keys: 0,
    selected: 0,
    rematched: 0,
    compared: 0,
    newRecords: 0,
    changed: 0,
    created: 0,
    updated: 0,
    closed: 0,
    componentsBuilt: 0,
    componentHits: 0,
    packagesMatched: 0,
    ms: 0,
  };
}

/**
 * Re-matches stored inventories after the vulnerability data changed, through THE scan service
 * (memoized: scan-memo.ts), and applies what changed through the scan lifecycle with its events
 * (scan-apply.ts applyRematch). `keys`: the change set's (ecosystem, name) pairs — only inventories
 * holding one of them, and only the components holding them, are re-matched; undefined: the change is
 * unknown, every stored inventory is re-matched. Batched: bounded transactions (many changed
 * resources each, see rowsPerTransaction) and the event loop yielded every `sliceMs`, so the API keeps answering meanwhile.
 */
export async function rematchStoredInventories(
  ctx: StoreContext,
  store: VulnStore,
  keys: readonly PackageKey[] | undefined,
  opts: RematchOptions = {},
): Promise<RematchSummary> {
  const started = performance.now();
  const run = new RematchRun(ctx, store, keys, opts);
  const release = holdWalResets(ctx.db);
  try {
    await run.backfill();
    if (keys) {
      const refs = await resourcesHoldingKeys(ctx.db, keys);
      for (let i = 0; i < refs.length; i += run.batchSize) await run.batch(refs.slice(i, i + run.batchSize));
    } else {
      let after: ResourceRef | undefined;
      for (;;) {
        const page = await storedInventoryPage(ctx.db, after, run.batchSize);
        if (page.length === 0) break;
        await run.batch(page);
        after = page[page.length - 1];
      }
    }
    await run.finish();
  } finally {
    release();
  }
  return { ...run.summary, ...run.memo.stats, ms: Math.round(performance.now() - started) };
}

export class RematchRun {
  readonly batchSize: number;
  readonly rowsPerTransaction: number;
  readonly memo: ScanMemo;
  readonly summary: Omit<RematchSummary, 'componentsBuilt' | 'componentHits' | 'packagesMatched' | 'ms'>;
  private readonly now: Date;
  private readonly eligible: RematchEligibility;
  private readonly pause: () => Promise<void>;
  /**
   * Changed hosts wait here across batches until they weigh rowsPerTransaction: an advisory's hosts
   * (a finding or two each) share a few transactions instead of one per batch read.
   */
  private readonly writes: PendingWrites;
  /** By keys, when the change only added records: what each host compares (made at the first batch). */
  private records: Promise<RecordScope | undefined> | undefined;

  constructor(
    private readonly ctx: StoreContext,
    private readonly store: VulnStore,
    private readonly keys: readonly PackageKey[] | undefined,
    private readonly opts: RematchOptions,
  ) {
    this.now = ctx.now();
    this.batchSize = opts.batchSize ?? 200;
    this.rowsPerTransaction = opts.rowsPerTransaction ?? 2000;
    this.eligible = opts.eligible ?? defaultRematchEligibility;
    this.pause = yielder(opts.sliceMs ?? 20);
    this.memo = new ScanMemo(store, this.now, { pause: this.pause });
    this.writes = new PendingWrites(this.rowsPerTransaction, (p) => this.apply(p));
    // The memo's counts and the time are added when the run ends (rematchStoredInventories).
    this.summary = { ...emptyRematchSummary(keys ? 'keys' : 'full'), keys: keys?.length ?? 0 };
  }

  private recordScope(): Promise<RecordScope | undefined> {
    const ids = this.opts.newRecords;
    this.records ??=
      this.keys && ids && ids.length > 0 && ids.length <= MAX_SCOPED_RECORDS
        ? RecordScope.of(this.store, ids).then((scope) => {
            this.summary.newRecords = ids.length;
            return scope;
          })
        : Promise.resolve(undefined);
    return this.records;
  }

  /** Inventories and findings stored before the index existed are indexed first (usually none left). */
  async backfill(): Promise<void> {
    for (
      let refs = await staleIndexes(this.ctx.db, 50);
      refs.length > 0;
      refs = await staleIndexes(this.ctx.db, 50)
    ) {
      for (const ref of refs) {
        await reindexInventory(this.ctx.db, ref);
        await this.pause();
      }
    }
    while ((await backfillFindingDigests(this.ctx.db, 500)) > 0) await this.pause();
  }

  async batch(refs: readonly ResourceRef[]): Promise<void> {
    if (this.opts.signal?.aborted) {
      // What earlier batches decided is written before the stop, as when each wrote its own.
      await this.finish();
      this.opts.signal.throwIfAborted();
    }
    this.summary.selected += refs.length;
    const targets = (
      await rematchTargets(this.ctx.db, refs, { componentKeys: this.keys === undefined })
    ).filter((t) => this.eligible(t, this.now));
    if (targets.length === 0) return;
    this.summary.rematched += targets.length;
    const hosts = await this.inputs(targets);
    const templates = await this.memo.templatesFor(hosts.map((h) => h.input));
    // Flattened only for a host that is compared or written: most of a full re-match's are skipped.
    const found = (i: number): FindingTemplate[] => (templates[i] ?? []).flat();
    const writes = this.writes;
    if (this.keys) {
      this.summary.compared += targets.length;
      // By keys, every host goes to its write transaction, whose plan reads the scope's stored findings
      // once (finding-rematch.ts) and writes only what differs: no read before it of the same rows.
      // Its weight: what it found, and the one stored finding an advisory usually replaces or meets;
      // narrowed, what it found alone (of its stored ones, only the new records' ids are read), so an
      // advisory's hosts share half as many transactions and commits.
      const records = await this.recordScope();
      for (const [i, target] of targets.entries()) {
        const host = hosts[i];
        if (!host) continue;
        const narrowed = records?.narrow(templates[i] ?? []);
        const mine = narrowed ? narrowed.found : found(i);
        await writes.add(
          {
            target,
            found: mine,
            ...(host.scope ? { scope: host.scope } : {}),
            ...(narrowed ? { vulnerabilityIds: narrowed.ids } : {}),
          },
          narrowed ? mine.length : mine.length + 1,
        );
      }
      return;
    }
    // A full re-match: a host whose result has the digest its findings were left with is skipped
    // unread; the others are compared by their stored digests, many per transaction (vouchUnchanged),
    // and only those that differ are written (their write transaction records the new digest).
    const unvouched: Pending[] = [];
    for (const [i, target] of targets.entries()) {
      const digest = hostDigest(templates[i] ?? []);
      if (digest !== target.findingsDigest) unvouched.push({ target, found: found(i), digest });
    }
    this.summary.compared += unvouched.length;
    // Full re-match: hosts whose stored findings already are the result get its digest, unwritten.
    for (const p of await vouchUnchanged(this.ctx.db, this.ctx.dialect, unvouched))
      await writes.add(p, 2 * p.found.length);
  }

  /** Writes the hosts still waiting for their transaction: call it once the last batch was read. */
  async finish(): Promise<void> {
    await this.writes.flush();
  }

  /**
   * The memo's input per target. By keys: the rows of the components holding them. Full: a host's
   * stored component keys when its index writer recorded them (one short list, no row read), else
   * all its index rows.
   */
  private async inputs(targets: readonly RematchTarget[]): Promise<Host[]> {
    const db = this.ctx.db;
    if (this.keys) return hostInputs(db, targets, await componentRowsHolding(db, targets, this.keys), true);
    const unkeyed = targets.filter((t) => typeof t.componentKeysJson !== 'string');
    const byRows = hostInputs(db, unkeyed, await indexRowsOf(db, unkeyed), false);
    let next = 0;
    return targets.map((t) =>
      typeof t.componentKeysJson === 'string'
        ? { input: keyedHostInput(db, t, t.componentKeysJson) }
        : (byRows[next++] as Host),
    );
  }

  /** Writes the changed hosts' findings in one transaction, then lets the event loop breathe. */
  private async apply(pending: readonly Pending[]): Promise<void> {
    if (pending.length === 0) return;
    const now = this.now;
    const all = await applyRematches(
      this.ctx.db,
      this.ctx.dialect,
      pending.map(({ target: t, found, scope, vulnerabilityIds, digest }) => {
        const resource: FindingResource = {
          id: t.resourceId,
          type: t.type,
          details: t.details,
          tags: t.tags,
        };
        return {
          accountId: t.accountId,
          resourceId: t.resourceId,
          inventoryUpdatedAt: t.inventoryUpdatedAt,
          findings: found.map((f) => specialize(f, t.accountId, resource)),
          digests: found.map((f) => f.digest),
          ...(scope ? { scope } : {}),
          ...(vulnerabilityIds ? { vulnerabilityIds } : {}),
          ...(digest ? { findingsDigest: digest } : {}),
          now,
        };
      }),
    );
    for (const changes of all) {
      if (!changes) continue;
      const n = changes.created.length + changes.updated.length + changes.closed.length;
      if (n > 0) this.summary.changed++;
      this.summary.created += changes.created.length;
      this.summary.updated += changes.updated.length;
      this.summary.closed += changes.closed.length;
    }
    await this.pause();
  }
}

/** Yields to the event loop (pending I/O: requests) when more than `sliceMs` passed since the last time. */
function yielder(sliceMs: number): () => Promise<void> {
  let last = performance.now();
  return async () => {
    if (performance.now() - last < sliceMs) return;
    await new Promise<void>((resolve) => setImmediate(resolve));
    last = performance.now();
  };
}

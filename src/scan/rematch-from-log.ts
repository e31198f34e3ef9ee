import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { StoreContext } from '../store/store-context.js';
import type { ImportLogEntry } from '../vulndb/import-log.js';
import type { PackageKey } from '../vulndb/import-types.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import {
  emptyRematchSummary,
  rematchStoredInventories,
  type RematchOptions,
  type RematchSummary,
} from './rematch-run.js';

/** What the re-match reads of the vulnerability DB: its data, its identity and its import log. */
export interface LoggedVulnDb {
  store: VulnStore;
  identity(): Promise<string>;
  importsAfter(seq: number, limit?: number): Promise<ImportLogEntry[]>;
  latestImportSeq(): Promise<number>;
}

export interface LogRematch extends RematchSummary {
  /** The import-log seqs covered: (fromSeq, toSeq]. */
  fromSeq: number;
  toSeq: number;
  /** Why every stored inventory was re-matched (mode `full`). */
  fullBecause?: 'first-run' | 'unknown-change' | 'enrichment-changed';
  /** Queued as this many batch jobs instead of run here (the job queue's re-match). */
  queuedBatches?: number;
  /** The indexes of the queued batches that finished (rematch-batch-progress.ts); their figures are summed in. */
  batchesDone?: number[];
}

/** Does the re-match of a plan: here and now (the default), or by queuing its batches. */
export type RematchRunner = (
  keys: readonly PackageKey[] | undefined,
  opts: RematchOptions,
  span: { fromSeq: number; toSeq: number },
) => Promise<RematchSummary & { queuedBatches?: number }>;

/** Log entries taken per run; a longer backlog is taken by the next run. */
const ENTRIES_PER_RUN = 1000;

/**
 * Re-matches the stored inventories that the imports committed since the last run touched, whoever
 * committed them (the update schedule, an upload, `vigil db import` on the same file), then records
 * the last seq covered. Only the inventories holding a changed (ecosystem, package) key are
 * re-matched; every one is when a change cannot be told by package (a snapshot load, KEV/EPSS/CVSS
 * changes that reach findings by CVE) or when this service DB never re-matched against this
 * vulnerability DB (a new or replaced `--db` file). Undefined when nothing was committed since.
 */
export async function rematchFromImportLog(
  ctx: StoreContext,
  vulndb: LoggedVulnDb,
  opts: RematchOptions = {},
  run: RematchRunner = (keys, o) => rematchStoredInventories(ctx, vulndb.store, keys, o),
): Promise<LogRematch | undefined> {
  const identity = await vulndb.identity();
  const state = await ctx.db
    .selectFrom('rematch_state')
    .select('last_seq')
    .where('vulndb_id', '=', identity)
    .executeTakeFirst();
  const fromSeq = state ? Number(state.last_seq) : 0;
  const entries = await vulndb.importsAfter(fromSeq, ENTRIES_PER_RUN);
  if (state && entries.length === 0) return undefined;
  const toSeq = entries.at(-1)?.seq ?? (await vulndb.latestImportSeq());
  const plan = planOf(state !== undefined, entries);
  const options = plan.newRecords ? { ...opts, newRecords: plan.newRecords } : opts;
  const summary =
    plan.keys?.length === 0 ? emptyRematchSummary() : await run(plan.keys, options, { fromSeq, toSeq });
  const result: LogRematch = {
    ...summary,
    fromSeq,
    toSeq,
    ...(plan.fullBecause ? { fullBecause: plan.fullBecause } : {}),
  };
  await saveState(ctx.db, identity, result, ctx.now().toISOString());
  return result;
}

interface Plan {
  keys?: PackageKey[];
  fullBecause?: LogRematch['fullBecause'];
  /** Every change only added records: their ids (the re-match compares only what they reach). */
  newRecords?: string[];
}

function planOf(seen: boolean, entries: readonly ImportLogEntry[]): Plan {
  if (!seen) return { fullBecause: 'first-run' };
  if (entries.some((e) => e.changeSet === null)) return { fullBecause: 'unknown-change' };
  if (entries.some((e) => e.changeSet?.enrichmentChanged)) return { fullBecause: 'enrichment-changed' };
  const keys = new Map<string, PackageKey>();
  for (const e of entries) for (const k of e.changeSet?.keys ?? []) keys.set(`${k[0]}\0${k[1]}`, k);
  const onlyAdded = entries.every(
    (e) => e.changeSet?.updated.length === 0 && e.changeSet.withdrawn.length === 0,
  );
  const added = [...new Set(entries.flatMap((e) => e.changeSet?.new ?? []))];
  return { keys: [...keys.values()], ...(onlyAdded && added.length > 0 ? { newRecords: added } : {}) };
}

async function saveState(
  db: Kysely<ServiceDatabase>,
  identity: string,
  run: LogRematch,
  now: string,
): Promise<void> {
  const row = { last_seq: run.toSeq, last_run_json: JSON.stringify(run), updated_at: now };
  await db
    .insertInto('rematch_state')
    .values({ vulndb_id: identity, ...row })
    .onConflict((oc) => oc.column('vulndb_id').doUpdateSet(row))
    .execute();
}

import type { StoreContext } from '../store/store-context.js';
import type { LogRematch } from './rematch-from-log.js';
import type { RematchSummary } from './rematch-run.js';

/** Which queued re-match a batch job belongs to: the run's last import-log seq and its index in it. */
export interface BatchOfRun {
  toSeq: number;
  batch: number;
}

/** The counts a batch adds to its run's figures. */
const SUMMED = ['rematched', 'compared', 'changed', 'created', 'updated', 'closed'] as const;

/**
 * Records that one queued batch of the last re-match run finished, adding its figures to the run's
 * (`rematch_state.last_run_json`), so the imports API says IN_PROGRESS until every batch is done and
 * then gives the real counts. A batch done twice (a retried job) counts once: the done indexes are a
 * set. A batch of a run that a newer run has replaced changes nothing: the newer run is what is shown.
 * PostgreSQL: the row is locked, so two workers finishing batches at once do not lose an update.
 */
export async function recordQueuedBatch(
  ctx: StoreContext,
  vulndbId: string,
  of: BatchOfRun,
  summary: RematchSummary,
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    const row = await trx
      .selectFrom('rematch_state')
      .select('last_run_json')
      .where('vulndb_id', '=', vulndbId)
      .$if(ctx.dialect === 'postgres', (q) => q.forUpdate())
      .executeTakeFirst();
    if (!row?.last_run_json) return;
    const run = JSON.parse(row.last_run_json) as LogRematch;
    const done = run.batchesDone ?? [];
    if (run.toSeq !== of.toSeq || run.queuedBatches === undefined || done.includes(of.batch)) return;
    const next: LogRematch = { ...run, batchesDone: [...done, of.batch] };
    // `?? 0`: a run recorded before a figure existed (compared) lacks it.
    for (const k of SUMMED) next[k] = (run[k] ?? 0) + summary[k];
    next.ms = run.ms + summary.ms;
    await trx
      .updateTable('rematch_state')
      .set({ last_run_json: JSON.stringify(next), updated_at: ctx.now().toISOString() })
      .where('vulndb_id', '=', vulndbId)
      .execute();
  });
}

/** A queued run some of whose batches have not finished yet. */
export function batchesPending(run: LogRematch): boolean {
  return run.queuedBatches !== undefined && (run.batchesDone?.length ?? 0) < run.queuedBatches;
}

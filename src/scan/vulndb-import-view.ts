import type { StoreContext } from '../store/store-context.js';
import type { ImportLogEntry } from '../vulndb/import-log.js';
import type { ChangeSet } from '../vulndb/import-types.js';
import { batchesPending } from './rematch-batch-progress.js';
import type { LoggedVulnDb, LogRematch } from './rematch-from-log.js';

/** What an import changed, as counts (the id and key lists can run to tens of thousands). */
export interface ChangeCounts {
  new: number;
  updated: number;
  withdrawn: number;
  /** Records unchanged or older than what was stored. */
  unchanged: number;
  invalid: number;
  invalidReasons: Record<string, number>;
  /** (ecosystem, package) keys the new, updated and withdrawn records name: what re-matching looks up. */
  keys: number;
  /** KEV, EPSS or CVSS-only data changed: every stored inventory is re-matched. */
  enrichmentChanged: boolean;
}

export type RematchStatus = 'PENDING' | 'IN_PROGRESS' | 'COMPLETED';

/** How far the re-match of the stored inventories after an import got. */
export interface ImportRematch {
  status: RematchStatus;
  /** The run that covered this import, when it is the last run the server recorded. */
  run?: {
    completedAt: string;
    mode: 'keys' | 'full';
    fullBecause?: string;
    /** Import-log entries the run covered: (fromImport, toImport]. */
    fromImport: string;
    toImport: string;
    resourcesSelected: number;
    resourcesRematched: number;
    resourcesChanged: number;
    findingsCreated: number;
    findingsUpdated: number;
    findingsClosed: number;
  };
}

/** One committed change of the vulnerability DB (an upload, `db import`, `db update`, a snapshot load). */
export interface ImportView {
  id: string;
  kind: 'import' | 'snapshot';
  feeds: string[];
  committedAt: string;
  /** Null for a snapshot load: what changed cannot be told, so every inventory is re-matched. */
  changes: ChangeCounts | null;
  rematch: ImportRematch;
}

/** The re-match position this service DB holds for the vulnerability DB, and its last run. */
interface RematchPosition {
  lastSeq: number;
  lastRun?: LogRematch;
  updatedAt?: string;
}

async function position(ctx: StoreContext, vulndb: LoggedVulnDb): Promise<RematchPosition> {
  const row = await ctx.db
    .selectFrom('rematch_state')
    .select(['last_seq', 'last_run_json', 'updated_at'])
    .where('vulndb_id', '=', await vulndb.identity())
    .executeTakeFirst();
  if (!row) return { lastSeq: 0 };
  return {
    lastSeq: Number(row.last_seq),
    ...(row.last_run_json ? { lastRun: JSON.parse(row.last_run_json) as LogRematch } : {}),
    updatedAt: row.updated_at,
  };
}

/**
 * Views of the import-log entries `seqs` asks for, with their re-match status read from the service
 * DB's re-match position: COMPLETED once the position passed the entry (whoever ran it: the job's poll
 * or the run an upload started), IN_PROGRESS while this server is re-matching it, else PENDING. `inFlightUpTo`: the newest entry a re-match running in this server covers (0: none running).
 * The run's figures are given when the last recorded run is the one that covered the entry.
 */
export async function importViews(
  ctx: StoreContext,
  vulndb: LoggedVulnDb,
  entries: readonly ImportLogEntry[],
  inFlightUpTo: number,
): Promise<ImportView[]> {
  const pos = await position(ctx, vulndb);
  return entries.map((e) => ({
    id: String(e.seq),
    kind: e.kind,
    feeds: e.feeds,
    committedAt: e.finishedAt,
    changes: e.changeSet ? countsOf(e.changeSet) : null,
    rematch: rematchOf(e.seq, pos, inFlightUpTo),
  }));
}

/** One entry by id; undefined when the log holds no such entry. */
export async function importView(
  ctx: StoreContext,
  vulndb: LoggedVulnDb,
  seq: number,
  inFlightUpTo: number,
): Promise<ImportView | undefined> {
  const [entry] = await vulndb.importsAfter(seq - 1, 1);
  if (entry?.seq !== seq) return undefined;
  return (await importViews(ctx, vulndb, [entry], inFlightUpTo))[0];
}

/** The newest `limit` entries, newest first. */
export async function recentImports(
  ctx: StoreContext,
  vulndb: LoggedVulnDb,
  limit: number,
  inFlightUpTo: number,
): Promise<ImportView[]> {
  const latest = await vulndb.latestImportSeq();
  const entries = await vulndb.importsAfter(Math.max(0, latest - limit), limit);
  return (await importViews(ctx, vulndb, entries, inFlightUpTo)).reverse();
}

export function countsOf(c: ChangeSet): ChangeCounts {
  return {
    new: c.new.length,
    updated: c.updated.length,
    withdrawn: c.withdrawn.length,
    unchanged: c.skipped,
    invalid: c.invalid.count,
    invalidReasons: c.invalid.reasons,
    keys: c.keys.length,
    enrichmentChanged: c.enrichmentChanged,
  };
}

function rematchOf(seq: number, pos: RematchPosition, inFlightUpTo: number): ImportRematch {
  if (pos.lastSeq < seq) return { status: seq <= inFlightUpTo ? 'IN_PROGRESS' : 'PENDING' };
  const run = pos.lastRun;
  if (!run || !pos.updatedAt || seq <= run.fromSeq || seq > run.toSeq) return { status: 'COMPLETED' };
  // Handed to the job queue as batches: done when the last of them is, not when they were sent.
  if (batchesPending(run)) return { status: 'IN_PROGRESS' };
  return {
    status: 'COMPLETED',
    run: {
      completedAt: pos.updatedAt,
      mode: run.mode,
      ...(run.fullBecause ? { fullBecause: run.fullBecause } : {}),
      fromImport: String(run.fromSeq),
      toImport: String(run.toSeq),
      resourcesSelected: run.selected,
      resourcesRematched: run.rematched,
      resourcesChanged: run.changed,
      findingsCreated: run.created,
      findingsUpdated: run.updated,
      findingsClosed: run.closed,
    },
  };
}

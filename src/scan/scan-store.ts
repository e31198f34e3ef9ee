import { randomUUID } from 'node:crypto';
import { publishMetric } from '../core/metrics/metric-events.js';
import type { Kysely, Selectable } from 'kysely';
import { isVigilError } from '../core/errors/vigil-error.js';
import type { JobStatus, ScanTable, ServiceDatabase } from '../store/service-db-schema.js';
import type { StoreContext } from '../store/store-context.js';

type Db = Kysely<ServiceDatabase>;
export type ScanRow = Selectable<ScanTable>;

/** A scan as the API shows it: the request, and the summary or the error once it finished. */
export interface ScanView {
  scanId: string;
  accountId: string;
  kind: string;
  status: string;
  resourceId: string | null;
  request: Record<string, unknown>;
  summary: Record<string, unknown> | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

const parse = <T>(s: string | null): T | null => (s === null ? null : (JSON.parse(s) as T));

export function scanView(r: ScanRow): ScanView {
  return {
    scanId: r.id,
    accountId: r.account_id,
    kind: r.kind,
    status: r.status,
    resourceId: r.resource_id,
    request: parse<Record<string, unknown>>(r.request_json) ?? {},
    summary: parse<Record<string, unknown>>(r.summary_json),
    error: parse<{ code: string; message: string }>(r.error_json),
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
  };
}

/** Queues a scan for a worker; returns its id. */
export async function queueScan(
  ctx: StoreContext,
  s: { accountId: string; kind: ScanRow['kind']; request: Record<string, unknown> },
): Promise<string> {
  const id = randomUUID();
  await ctx.db
    .insertInto('scans')
    .values({
      id,
      account_id: s.accountId,
      resource_id: null,
      kind: s.kind,
      status: 'QUEUED',
      request_json: JSON.stringify(s.request),
      summary_json: null,
      error_json: null,
      created_at: ctx.now().toISOString(),
      started_at: null,
      finished_at: null,
    })
    .execute();
  return id;
}

export async function getScan(db: Db, accountId: string, scanId: string): Promise<ScanView | undefined> {
  const row = await db
    .selectFrom('scans')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', scanId)
    .executeTakeFirst();
  return row ? scanView(row) : undefined;
}

/** The account's scans, newest first. */
export async function listScans(
  db: Db,
  accountId: string,
  opts: { status?: JobStatus; limit: number },
): Promise<ScanView[]> {
  let q = db.selectFrom('scans').selectAll().where('account_id', '=', accountId);
  if (opts.status) q = q.where('status', '=', opts.status);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(opts.limit).execute();
  return rows.map(scanView);
}

/** Scans a stopped server left RUNNING go back to the queue (a scan is idempotent). */
export async function requeueRunningScans(db: Db): Promise<void> {
  await db
    .updateTable('scans')
    .set({ status: 'QUEUED', started_at: null })
    .where('status', '=', 'RUNNING')
    .execute();
}

/** A scan abandoned because the server stops goes back to the queue (a scan is idempotent). */
export async function requeueScan(db: Db, id: string): Promise<void> {
  await db
    .updateTable('scans')
    .set({ status: 'QUEUED', started_at: null })
    .where('id', '=', id)
    .where('status', '=', 'RUNNING')
    .execute();
}

/** Marks a scan FAILED with a stable `{code, message}`; only vigil's own errors say what went wrong. */
export async function failScan(ctx: StoreContext, id: string, err: unknown): Promise<void> {
  // Anything but our own errors may carry paths or SQL.
  const error = isVigilError(err)
    ? { code: err.code, message: err.message }
    : { code: 'INTERNAL', message: 'internal error' };
  const failed = await ctx.db
    .updateTable('scans')
    .set({ status: 'FAILED', error_json: JSON.stringify(error), finished_at: ctx.now().toISOString() })
    .where('id', '=', id)
    .returning('kind')
    .executeTakeFirst();
  if (failed) publishMetric('scanFinished', { kind: failed.kind, outcome: 'failed' });
}

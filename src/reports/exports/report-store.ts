import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ReportTable, ServiceDatabase } from '../../store/service-db-schema.js';
import {
  REPORT_CANCELLED,
  type ReportContent,
  type ReportFailure,
  type ReportRequest,
} from './report-types.js';

type Db = Kysely<ServiceDatabase>;

/** Who asked: the report belongs to the key's account and covers the accounts the key saw then. */
export interface ReportOwner {
  accountId: string;
  keyId: string;
  visibleAccountIds: readonly string[];
}

export async function insertReport(
  db: Db,
  owner: ReportOwner,
  request: ReportRequest,
  nowIso: string,
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('reports')
    .values({
      id,
      account_id: owner.accountId,
      key_id: owner.keyId,
      kind: request.kind,
      format: request.format,
      request_json: JSON.stringify(request),
      scope_json: JSON.stringify([...owner.visibleAccountIds]),
      status: 'QUEUED',
      error_json: null,
      content: null,
      content_type: null,
      size: null,
      created_at: nowIso,
      started_at: null,
      finished_at: null,
    })
    .execute();
  return id;
}

/** The report's row without its content (status polling must not read megabytes). */
export type ReportHeader = Omit<ReportTable, 'content'>;

export async function findReportHeader(db: Db, id: string): Promise<ReportHeader | undefined> {
  return db
    .selectFrom('reports')
    .select([
      'id',
      'account_id',
      'key_id',
      'kind',
      'format',
      'request_json',
      'scope_json',
      'status',
      'error_json',
      'content_type',
      'size',
      'created_at',
      'started_at',
      'finished_at',
    ])
    .where('id', '=', id)
    .executeTakeFirst();
}

export async function findReportContent(db: Db, id: string): Promise<string | null> {
  const row = await db.selectFrom('reports').select('content').where('id', '=', id).executeTakeFirst();
  return row?.content ?? null;
}

/**
 * Claims the oldest QUEUED report: the conditional UPDATE is the lock, so two workers (two servers on
 * one PostgreSQL) never run the same report; a lost race just tries the next candidate.
 */
export async function claimNextReport(db: Db, nowIso: string): Promise<ReportHeader | undefined> {
  const candidates = await db
    .selectFrom('reports')
    .select('id')
    .where('status', '=', 'QUEUED')
    .orderBy('created_at')
    .orderBy('id')
    .limit(10)
    .execute();
  for (const { id } of candidates) {
    const res = await db
      .updateTable('reports')
      .set({ status: 'RUNNING', started_at: nowIso })
      .where('id', '=', id)
      .where('status', '=', 'QUEUED')
      .executeTakeFirst();
    if (res.numUpdatedRows === 1n) return findReportHeader(db, id);
  }
  return undefined;
}

/** Claims one named report (a queue job's) if it is still QUEUED; undefined otherwise (run once). */
export async function claimReport(db: Db, id: string, nowIso: string): Promise<ReportHeader | undefined> {
  const res = await db
    .updateTable('reports')
    .set({ status: 'RUNNING', started_at: nowIso })
    .where('id', '=', id)
    .where('status', '=', 'QUEUED')
    .executeTakeFirst();
  return res.numUpdatedRows === 1n ? findReportHeader(db, id) : undefined;
}

/** The reports waiting for a worker, oldest first, with their account (what the queue feeder sends). */
export async function queuedReports(
  db: Db,
  limit: number,
): Promise<Array<{ id: string; account_id: string }>> {
  return db
    .selectFrom('reports')
    .select(['id', 'account_id'])
    .where('status', '=', 'QUEUED')
    .orderBy('created_at')
    .orderBy('id')
    .limit(limit)
    .execute();
}

/**
 * Crash recovery: a report left RUNNING by a dead worker is run again from the start — every RUNNING
 * one at a polling worker's start, or (queue mode's feeder) those started before `startedBeforeIso`.
 */
export async function requeueRunningReports(db: Db, startedBeforeIso?: string): Promise<number> {
  let q = db
    .updateTable('reports')
    .set({ status: 'QUEUED', started_at: null })
    .where('status', '=', 'RUNNING');
  if (startedBeforeIso !== undefined) q = q.where('started_at', '<', startedBeforeIso);
  const res = await q.executeTakeFirst();
  return Number(res.numUpdatedRows);
}

export async function markReportSucceeded(
  db: Db,
  id: string,
  result: ReportContent,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable('reports')
    .set({
      status: 'SUCCEEDED',
      content: result.content,
      content_type: result.contentType,
      size: Buffer.byteLength(result.content, 'utf8'),
      finished_at: nowIso,
    })
    .where('id', '=', id)
    .where('status', '=', 'RUNNING')
    .execute();
}

export async function markReportFailed(
  db: Db,
  id: string,
  failure: ReportFailure,
  nowIso: string,
): Promise<void> {
  await db
    .updateTable('reports')
    .set({ status: 'FAILED', error_json: JSON.stringify(failure), finished_at: nowIso })
    .where('id', '=', id)
    .where('status', '=', 'RUNNING')
    .execute();
}

/**
 * Cancels a report that has not finished: it ends FAILED with code REPORT_CANCELLED. A worker that is
 * building it finds it no longer RUNNING and drops its result (markReportSucceeded/Failed move only a
 * RUNNING report). True when this call cancelled it; false when it had already finished.
 */
export async function cancelReport(db: Db, id: string, nowIso: string): Promise<boolean> {
  const failure: ReportFailure = { code: REPORT_CANCELLED, message: 'the report was cancelled' };
  const res = await db
    .updateTable('reports')
    .set({ status: 'FAILED', error_json: JSON.stringify(failure), finished_at: nowIso })
    .where('id', '=', id)
    .where('status', 'in', ['QUEUED', 'RUNNING'])
    .executeTakeFirst();
  return res.numUpdatedRows > 0n;
}

/** Deletes finished reports requested before the cutoff (their content is the bulk of the table). */
export async function purgeReportsBefore(db: Db, cutoffIso: string): Promise<number> {
  const res = await db
    .deleteFrom('reports')
    .where('status', 'in', ['SUCCEEDED', 'FAILED'])
    .where('created_at', '<', cutoffIso)
    .executeTakeFirst();
  return Number(res.numDeletedRows);
}

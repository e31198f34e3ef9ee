import type { Kysely } from 'kysely';
import { isVigilError } from '../../core/errors/vigil-error.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { StoreContext } from '../../store/store-context.js';
import { exportFindings } from './findings-export.js';
import {
  claimNextReport,
  claimReport,
  markReportFailed,
  markReportSucceeded,
  purgeReportsBefore,
  type ReportHeader,
} from './report-store.js';
import type { ReportContent, ReportFailure, ReportRequest } from './report-types.js';
import { exportSboms } from './sbom-export.js';

/** Reports run per poll at most, so stopping the server never waits on a long queue. */
const MAX_PER_RUN = 20;
/**
 * Reports are downloads, not an archive: a week after they were requested they are deleted, so stored
 * contents (up to MAX_REPORT_BYTES each) do not pile up in the service DB.
 */
export const REPORT_RETENTION_MS = 7 * 24 * 60 * 60 * 1000;

/** Builds one report's content; the server passes one that runs off the event loop (a worker thread). */
export type ReportBuilder = (job: ReportHeader) => Promise<ReportContent>;

/**
 * Runs queued reports: claims one at a time (atomically, so several servers can share the queue), builds
 * its content and stores it in the row, then deletes reports past their retention. A report is rebuilt
 * from scratch, so running one twice is harmless.
 */
export async function runQueuedReports(
  ctx: StoreContext,
  build: ReportBuilder = (job) => buildReport(ctx.db, job),
): Promise<void> {
  for (let i = 0; i < MAX_PER_RUN; i++) {
    const job = await claimNextReport(ctx.db, ctx.now().toISOString());
    if (!job) break;
    await runReport(ctx.db, job, ctx.now, build);
  }
  await purgeReportsBefore(ctx.db, new Date(ctx.now().getTime() - REPORT_RETENTION_MS).toISOString());
}

/**
 * Runs one named report (a queue job) if it is still QUEUED; returns whether it ran. A report already
 * claimed or finished is left alone, so a job delivered twice builds the report once.
 */
export async function runReportById(ctx: StoreContext, id: string, build: ReportBuilder): Promise<boolean> {
  const job = await claimReport(ctx.db, id, ctx.now().toISOString());
  if (!job) return false;
  await runReport(ctx.db, job, ctx.now, build);
  return true;
}

async function runReport(
  db: Kysely<ServiceDatabase>,
  job: ReportHeader,
  now: () => Date,
  build: ReportBuilder,
): Promise<void> {
  let result: ReportContent;
  try {
    result = await build(job);
  } catch (err) {
    await markReportFailed(db, job.id, failureOf(err), now().toISOString());
    return;
  }
  await markReportSucceeded(db, job.id, result, now().toISOString());
}

/** One report's content from the service DB `db` (any connection that reads it). */
export function buildReport(db: Kysely<ServiceDatabase>, job: ReportHeader): Promise<ReportContent> {
  const request = JSON.parse(job.request_json) as ReportRequest;
  const scope = JSON.parse(job.scope_json) as string[];
  const common = { reportId: job.id, scope, createdAt: job.created_at };
  return request.kind === 'findings'
    ? exportFindings(db, { ...common, format: request.format, filter: request.filter })
    : exportSboms(db, { ...common, format: request.format, resourceFilter: request.resourceFilter });
}

/** Our own errors keep their code and message; anything else is INTERNAL without its message (SQL, paths). */
function failureOf(err: unknown): ReportFailure {
  if (isVigilError(err)) return { code: err.code, message: err.message };
  return { code: 'INTERNAL', message: 'the report could not be built' };
}

import type { FastifyInstance } from 'fastify';
import type { Selectable } from 'kysely';
import { pollingTask } from '../background/polling-task.js';
import type { BackgroundTask, ServerContext } from '../server-context.js';
import type { ScanTable } from '../storage/service-db-schema.js';
import { failScan, runImageScan } from './image-scan-runner.js';
import { HttpError } from '../http/http-error.js';

/** Scans per poll: a long queue still lets the loop yield (and stop) between batches. */
const BATCH = 10;

/**
 * Claims the oldest QUEUED scan with a conditional update (QUEUED → RUNNING where it is still
 * QUEUED), so two workers on one PostgreSQL never run the same scan.
 */
async function claimNext(ctx: ServerContext): Promise<Selectable<ScanTable> | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const next = await ctx.db
      .selectFrom('scans')
      .selectAll()
      .where('status', '=', 'QUEUED')
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) return undefined;
    const startedAt = ctx.now().toISOString();
    const r = await ctx.db
      .updateTable('scans')
      .set({ status: 'RUNNING', started_at: startedAt })
      .where('id', '=', next.id)
      .where('status', '=', 'QUEUED')
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) === 1) return { ...next, status: 'RUNNING', started_at: startedAt };
  }
  return undefined;
}

async function scanningEnabled(ctx: ServerContext, accountId: string): Promise<boolean> {
  const row = await ctx.db
    .selectFrom('accounts')
    .select('image_scanning')
    .where('id', '=', accountId)
    .executeTakeFirst();
  return row?.image_scanning === 1;
}

/**
 * The scan worker: runs queued image scans one at a time. A scan left RUNNING by a server that stopped
 * mid-scan is queued again when this worker first runs (a scan is idempotent: same image, same result).
 */
export function createScanWorker(ctx: ServerContext, app: FastifyInstance): BackgroundTask {
  let recovered = false;
  const once = async (): Promise<void> => {
    const store = ctx.store;
    if (!store) return;
    if (!recovered) {
      await ctx.db
        .updateTable('scans')
        .set({ status: 'QUEUED', started_at: null })
        .where('status', '=', 'RUNNING')
        .execute();
      recovered = true;
    }
    for (let i = 0; i < BATCH; i++) {
      const scan = await claimNext(ctx);
      if (!scan) return;
      if (scan.kind !== 'image') {
        await failScan(
          ctx,
          scan.id,
          new HttpError(400, 'UNSUPPORTED_SCAN', `no worker runs ${scan.kind} scans`),
        );
      } else if (!(await scanningEnabled(ctx, scan.account_id))) {
        // Switched off after the scan was queued: nothing is written for the account.
        await failScan(ctx, scan.id, new HttpError(409, 'SCANNING_DISABLED', 'image scanning is disabled'));
      } else {
        await runImageScan(ctx, store, scan);
      }
    }
  };
  return pollingTask('scan-worker', ctx.config.pollIntervalMs, once, (err) =>
    app.log.error({ err }, 'scan worker failed'),
  );
}

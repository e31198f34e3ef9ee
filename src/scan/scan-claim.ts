import { sql } from 'kysely';
import type { StoreContext } from '../store/store-context.js';
import type { ScanRow } from './scan-store.js';

/** An account with scans waiting, and how many of its scans run now. */
export interface AccountQueue {
  accountId: string;
  running: number;
}

export interface FairShare {
  /** Scans one account may run at once; the rest of the slots stay for the other accounts. */
  maxPerAccount: number;
  /** The account served last (round-robin goes on after it). */
  lastServed?: string | undefined;
}

/**
 * The account whose scan runs next: among accounts under their cap, the one with the fewest scans
 * running; among those, round-robin by account id after the one served last (so an account with a
 * long queue takes turns with one that has a single scan, instead of going first because its scans
 * are older). Undefined when every waiting account is at its cap.
 */
export function nextAccount(queues: readonly AccountQueue[], share: FairShare): string | undefined {
  const turn = (id: string): number => (share.lastServed !== undefined && id <= share.lastServed ? 1 : 0);
  const eligible = queues.filter((q) => q.running < share.maxPerAccount);
  eligible.sort(
    (a, b) =>
      a.running - b.running ||
      turn(a.accountId) - turn(b.accountId) ||
      (a.accountId < b.accountId ? -1 : a.accountId > b.accountId ? 1 : 0),
  );
  return eligible[0]?.accountId;
}

async function accountQueues(ctx: StoreContext): Promise<AccountQueue[]> {
  const queued = await ctx.db
    .selectFrom('scans')
    .select('account_id')
    .where('status', '=', 'QUEUED')
    .groupBy('account_id')
    .execute();
  if (queued.length === 0) return [];
  const running = await ctx.db
    .selectFrom('scans')
    .select((eb) => ['account_id', eb.fn.countAll().as('n')])
    .where('status', '=', 'RUNNING')
    .groupBy('account_id')
    .execute();
  const runningOf = new Map(running.map((r) => [r.account_id, Number(r.n)]));
  return queued.map((q) => ({ accountId: q.account_id, running: runningOf.get(q.account_id) ?? 0 }));
}

/**
 * Claims the next scan fairly across accounts (nextAccount), oldest first within the account, with a
 * conditional update (QUEUED → RUNNING where it is still QUEUED), so two workers on one PostgreSQL
 * never run the same scan. The counts come from the DB, so the share holds across several servers.
 */
export async function claimFairScan(ctx: StoreContext, share: FairShare): Promise<ScanRow | undefined> {
  for (let attempt = 0; attempt < 5; attempt++) {
    const accountId = nextAccount(await accountQueues(ctx), share);
    if (accountId === undefined) return undefined;
    const next = await ctx.db
      .selectFrom('scans')
      .selectAll()
      .where('status', '=', 'QUEUED')
      .where('account_id', '=', accountId)
      .orderBy('created_at')
      .orderBy('id')
      .limit(1)
      .executeTakeFirst();
    if (!next) continue;
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

/**
 * Claims one named scan (a queue job's): QUEUED → RUNNING where it is still QUEUED. Undefined when it
 * is not (already run, running elsewhere, or gone), so a job delivered twice runs the scan once.
 */
export async function claimScanById(ctx: StoreContext, id: string): Promise<ScanRow | undefined> {
  const startedAt = ctx.now().toISOString();
  const r = await ctx.db
    .updateTable('scans')
    .set({ status: 'RUNNING', started_at: startedAt })
    .where('id', '=', id)
    .where('status', '=', 'QUEUED')
    .executeTakeFirst();
  if (Number(r.numUpdatedRows) !== 1) return undefined;
  return ctx.db.selectFrom('scans').selectAll().where('id', '=', id).executeTakeFirst();
}

/**
 * The queue feeder's fair share: the `perAccount` oldest waiting scans of every account, in turns
 * (every account's oldest, then every account's second …), so an account with a long queue cannot
 * put all of it ahead of another's single scan. A scan whose job waits stays QUEUED and keeps its
 * place here, so an account never has more than `perAccount` jobs waiting.
 */
export async function queuedScanTurns(
  ctx: StoreContext,
  perAccount: number,
  limit: number,
): Promise<Array<{ id: string; account_id: string }>> {
  const r = await sql<{ id: string; account_id: string }>`
    SELECT id, account_id FROM (
      SELECT id, account_id, created_at,
        ROW_NUMBER() OVER (PARTITION BY account_id ORDER BY created_at, id) AS turn
      FROM scans WHERE status = 'QUEUED'
    ) q
    WHERE turn <= ${perAccount}
    ORDER BY turn, created_at, id
    LIMIT ${limit}`.execute(ctx.db);
  return r.rows;
}

/**
 * Scans RUNNING since before `startedBefore` go back to QUEUED: their worker died mid-scan (a live one
 * ends or fails a scan within its budget). Used by the queue feeder; returns how many.
 */
export async function requeueStaleScans(ctx: StoreContext, startedBefore: Date): Promise<number> {
  const r = await ctx.db
    .updateTable('scans')
    .set({ status: 'QUEUED', started_at: null })
    .where('status', '=', 'RUNNING')
    .where('started_at', '<', startedBefore.toISOString())
    .executeTakeFirst();
  return Number(r.numUpdatedRows);
}

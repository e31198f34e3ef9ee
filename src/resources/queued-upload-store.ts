import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { QueuedUploadTable } from '../store/upload-schema.js';

type Db = Kysely<ServiceDatabase>;

/** A host (account, resource): what an `inventory-match` job names; its newest upload is the one applied. */
export interface HostRef {
  accountId: string;
  resourceId: string;
}

export type QueuedUpload = QueuedUploadTable;

let counter = 0;

/**
 * A host's uploads in the order they arrived: the receiving process's wall clock (not the service
 * clock, which tests fix), then a counter for uploads of the same millisecond.
 */
function nextSeq(): string {
  counter = (counter + 1) % 1_000_000;
  return `${String(Date.now()).padStart(15, '0')}-${String(counter).padStart(6, '0')}`;
}

/** Stores a received upload, QUEUED; its id is the scan id the apply records. */
export async function storeUpload(
  db: Db,
  u: HostRef & { kind: 'checkin' | 'submission'; receivedAt: Date; inventoryHash?: string; body: string },
): Promise<string> {
  const id = randomUUID();
  await db
    .insertInto('queued_uploads')
    .values({
      id,
      account_id: u.accountId,
      resource_id: u.resourceId,
      kind: u.kind,
      seq: nextSeq(),
      state: 'QUEUED',
      received_at: u.receivedAt.toISOString(),
      claimed_at: null,
      inventory_hash: u.inventoryHash ?? null,
      body_json: u.body,
    })
    .execute();
  return id;
}

/** Uploads stored and not yet applied (waiting or running), the whole deployment's. */
export async function unfinishedUploads(db: Db): Promise<number> {
  const r = await db
    .selectFrom('queued_uploads')
    .select((eb) => eb.fn.countAll<string | number>().as('n'))
    .executeTakeFirst();
  return Number(r?.n ?? 0);
}

/** Whether an upload of the host with this inventory hash waits: its heartbeats need not send it again. */
export async function uploadWaits(db: Db, ref: HostRef, inventoryHash: string): Promise<boolean> {
  const r = await db
    .selectFrom('queued_uploads')
    .select('id')
    .where('account_id', '=', ref.accountId)
    .where('resource_id', '=', ref.resourceId)
    .where('inventory_hash', '=', inventoryHash)
    .limit(1)
    .executeTakeFirst();
  return r !== undefined;
}

/**
 * Claims the host's newest QUEUED upload (RUNNING since `now`) and deletes its older ones, which it
 * supersedes. Undefined when none waits, or when the newest is RUNNING elsewhere.
 */
export async function claimNewestUpload(db: Db, ref: HostRef, now: Date): Promise<QueuedUpload | undefined> {
  return db.transaction().execute(async (trx) => {
    const newest = await trx
      .selectFrom('queued_uploads')
      .selectAll()
      .where('account_id', '=', ref.accountId)
      .where('resource_id', '=', ref.resourceId)
      .orderBy('seq', 'desc')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (newest?.state !== 'QUEUED') return undefined;
    const claimed = await trx
      .updateTable('queued_uploads')
      .set({ state: 'RUNNING', claimed_at: now.toISOString() })
      .where('id', '=', newest.id)
      .where('state', '=', 'QUEUED')
      .executeTakeFirst();
    if (Number(claimed.numUpdatedRows) !== 1) return undefined;
    await trx
      .deleteFrom('queued_uploads')
      .where('account_id', '=', ref.accountId)
      .where('resource_id', '=', ref.resourceId)
      .where('seq', '<', newest.seq)
      .execute();
    return { ...newest, state: 'RUNNING', claimed_at: now.toISOString() };
  });
}

/** Whether the claimed upload is still the host's newest and still stored (checked before it is applied). */
export async function uploadStillNewest(db: Db, u: QueuedUpload): Promise<boolean> {
  // One read: the newest of the host's uploads from this one on is this one only while both hold.
  const newest = await db
    .selectFrom('queued_uploads')
    .select('id')
    .where('account_id', '=', u.account_id)
    .where('resource_id', '=', u.resource_id)
    .where('seq', '>=', u.seq)
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return newest?.id === u.id;
}

/** Applied, superseded or given up: the row and its body go. */
export async function deleteUpload(db: Db, id: string): Promise<void> {
  await db.deleteFrom('queued_uploads').where('id', '=', id).execute();
}

/** A claimed upload let go (a retry, a stopping worker): QUEUED again for the next job of its host. */
export async function releaseUpload(db: Db, id: string): Promise<void> {
  await db
    .updateTable('queued_uploads')
    .set({ state: 'QUEUED', claimed_at: null })
    .where('id', '=', id)
    .where('state', '=', 'RUNNING')
    .execute();
}

/** Uploads RUNNING since before `before` lost their worker (kill -9): QUEUED again. */
export async function requeueStaleUploads(db: Db, before: Date): Promise<void> {
  await db
    .updateTable('queued_uploads')
    .set({ state: 'QUEUED', claimed_at: null })
    .where('state', '=', 'RUNNING')
    .where('claimed_at', '<', before.toISOString())
    .execute();
}

/** Hosts with an upload QUEUED since before `before` (oldest first): their job may be lost. */
export async function hostsWaitingSince(db: Db, before: Date, limit: number): Promise<HostRef[]> {
  const rows = await db
    .selectFrom('queued_uploads')
    .select(['account_id', 'resource_id', (eb) => eb.fn.min('received_at').as('oldest')])
    .where('state', '=', 'QUEUED')
    .where('received_at', '<', before.toISOString())
    .groupBy(['account_id', 'resource_id'])
    .orderBy('oldest')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, resourceId: r.resource_id }));
}

/** The waiting uploads for /metrics: how many, and since when the oldest waits. */
export async function waitingUploads(db: Db): Promise<{ n: string | number | undefined; oldest: unknown }> {
  const r = await db
    .selectFrom('queued_uploads')
    .where('state', '=', 'QUEUED')
    .select([
      (eb) => eb.fn.countAll<string | number>().as('n'),
      (eb) => eb.fn.min('received_at').as('oldest'),
    ])
    .executeTakeFirst();
  return { n: r?.n, oldest: r?.oldest };
}

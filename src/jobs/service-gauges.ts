import type { Kysely } from 'kysely';
import type { LoggedVulnDb } from '../scan/rematch-from-log.js';
import { waitingUploads } from '../resources/queued-upload-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';

type Db = Kysely<ServiceDatabase>;

/** One kind of queued work: how many wait, and since when the oldest does. */
export interface QueueDepth {
  /** `scan:image` (`scan:KIND`), `report`, `inventory-match` (queue mode), `webhook-delivery`, `rematch`. */
  jobType: string;
  depth: number;
  /** When the oldest waiting one was queued (ISO text); undefined when none waits. */
  oldestAt?: string;
}

export interface CoverageCount {
  status: string;
  reason: string;
  count: number;
}

/**
 * The work waiting in the service DB, per job type, for /metrics. Each is an indexed read of the
 * waiting rows only (scans and reports by (status, created_at), deliveries by (subscription_id,
 * status, …) joined from the few subscriptions, the re-match by the import log's seq), so a scrape
 * costs the backlog, not the history. Every job type is listed, at 0 when nothing waits.
 */
export async function queueDepths(db: Db, vulnDb?: LoggedVulnDb): Promise<QueueDepth[]> {
  const [scans, reports, uploads, deliveries, rematch] = await Promise.all([
    queuedScans(db),
    queuedReports(db),
    waitingUploads(db).then((u) => depthOf('inventory-match', u.n, u.oldest)),
    pendingDeliveries(db),
    vulnDb ? pendingRematch(db, vulnDb) : Promise.resolve({ jobType: 'rematch', depth: 0 }),
  ]);
  const imageScans = scans.some((s) => s.jobType === 'scan:image')
    ? []
    : [{ jobType: 'scan:image', depth: 0 }];
  return [...scans, ...imageScans, reports, uploads, deliveries, rematch];
}

async function queuedScans(db: Db): Promise<QueueDepth[]> {
  const rows = await db
    .selectFrom('scans')
    .where('status', '=', 'QUEUED')
    .select([
      'kind',
      (eb) => eb.fn.countAll<string | number>().as('n'),
      (eb) => eb.fn.min('created_at').as('oldest'),
    ])
    .groupBy('kind')
    .execute();
  return rows.map((r) => depthOf(`scan:${r.kind}`, r.n, r.oldest));
}

async function queuedReports(db: Db): Promise<QueueDepth> {
  const r = await db
    .selectFrom('reports')
    .where('status', '=', 'QUEUED')
    .select([(eb) => eb.fn.countAll<string | number>().as('n'), (eb) => eb.fn.min('created_at').as('oldest')])
    .executeTakeFirst();
  return depthOf('report', r?.n, r?.oldest);
}

async function pendingDeliveries(db: Db): Promise<QueueDepth> {
  const r = await db
    .selectFrom('webhook_subscriptions as s')
    .innerJoin('webhook_deliveries as d', (j) =>
      j.onRef('d.subscription_id', '=', 's.id').on('d.status', '=', 'PENDING'),
    )
    .select([
      (eb) => eb.fn.countAll<string | number>().as('n'),
      (eb) => eb.fn.min('d.created_at').as('oldest'),
    ])
    .executeTakeFirst();
  return depthOf('webhook-delivery', r?.n, r?.oldest);
}

/** Imports of the vulnerability DB committed since the last re-match covered (its import log). */
async function pendingRematch(db: Db, vulnDb: LoggedVulnDb): Promise<QueueDepth> {
  const state = await db
    .selectFrom('rematch_state')
    .select('last_seq')
    .where('vulndb_id', '=', await vulnDb.identity())
    .executeTakeFirst();
  const done = state ? Number(state.last_seq) : 0;
  const depth = Math.max(0, (await vulnDb.latestImportSeq()) - done);
  if (depth === 0) return { jobType: 'rematch', depth };
  const [first] = await vulnDb.importsAfter(done, 1);
  return { jobType: 'rematch', depth, ...(first ? { oldestAt: first.finishedAt } : {}) };
}

function depthOf(jobType: string, n: string | number | undefined, oldest: unknown): QueueDepth {
  const depth = Number(n ?? 0);
  const at = oldest instanceof Date ? oldest.toISOString() : oldest;
  return { jobType, depth, ...(depth > 0 && typeof at === 'string' ? { oldestAt: at } : {}) };
}

/** Coverage rows by status and reason, all accounts together (an index-only read of coverage_status). */
export async function coverageCounts(db: Db): Promise<CoverageCount[]> {
  const rows = await db
    .selectFrom('coverage')
    .select(['status', 'reason', (eb) => eb.fn.countAll<string | number>().as('n')])
    .groupBy(['status', 'reason'])
    .execute();
  return rows.map((r) => ({ status: r.status, reason: r.reason, count: Number(r.n) }));
}

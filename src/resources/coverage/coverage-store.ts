import { PostgresAdapter, sql, type Kysely, type Transaction } from 'kysely';
import { appendEvents } from '../../events/event-outbox.js';
import type { ResourceType } from '../../findings/finding-types.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import {
  decideCoverage,
  isExcluded,
  type CoverageDecision,
  type CoverageFacts,
  type CoverageReason,
  type CoverageStatus,
  type ImageWatchFacts,
  type ScanOutcome,
} from './coverage-decision.js';
import { isAgentlessDetails } from '../network/cloud-network-source.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;
const PACKAGE = 'PACKAGE';

/**
 * Takes the resource's lock first thing in a transaction that changes what coverage depends on (a scan
 * being applied, a tag change, a deletion), so those serialize per resource on PostgreSQL (SQLite has
 * one writer anyway). A row lock alone is not enough: a resource's first scans find no coverage row to
 * lock, run side by side, and deadlock on the rows each of them creates. So on PostgreSQL a
 * transaction-scoped advisory lock on the resource's name comes first (a hash collision only makes two
 * resources wait for each other); the no-op UPDATE still takes the row lock where one exists.
 */
export async function lockCoverage(trx: Transaction<ServiceDatabase>, accountId: string, resourceId: string): Promise<void> {
  if (trx.getExecutor().adapter instanceof PostgresAdapter) {
    const key = JSON.stringify(['coverage', accountId, resourceId]);
    await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(trx);
  }
  await trx
    .updateTable('coverage')
    .set((eb) => ({ updated_at: eb.ref('updated_at') }))
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .where('scan_type', '=', PACKAGE)
    .execute();
}

/** A coverage row as stored, or undefined. */
export interface StoredCoverage {
  status: CoverageStatus;
  reason: CoverageReason;
  outcome: ScanOutcome;
  outcomeMessage: string | null;
  lastScannedAt: string | null;
}

interface Loaded {
  facts: Omit<CoverageFacts, 'outcome' | 'outcomeMessage'>;
  current: StoredCoverage | undefined;
}

/** Everything coverage of one resource is decided from, in one query. Undefined: no such resource. */
async function loadFacts(db: Db, accountId: string, resourceId: string): Promise<Loaded | undefined> {
  const r = await db
    .selectFrom('resources as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'r.account_id').onRef('h.resource_id', '=', 'r.id'),
    )
    .leftJoin('coverage as c', (j) =>
      j.onRef('c.account_id', '=', 'r.account_id').onRef('c.resource_id', '=', 'r.id').on('c.scan_type', '=', PACKAGE),
    )
    .leftJoin('registry_images as ri', (j) =>
      j.onRef('ri.account_id', '=', 'r.account_id').onRef('ri.resource_id', '=', 'r.id'),
    )
    .select([
      'ri.repository as image_repository',
      'ri.scan_frequency as image_frequency',
      'ri.eligible_until as image_eligible_until',
      'r.type',
      'r.tags_json',
      'r.deleted_at',
      'r.details_json',
      'a.host_scanning',
      'a.image_scanning',
      'h.last_checkin_at',
      'h.offline_at',
      'h.inventory_wanted_since',
      'h.stale_at',
      'c.status',
      'c.reason',
      'c.outcome',
      'c.outcome_message',
      'c.last_scanned_at',
    ])
    .where('r.account_id', '=', accountId)
    .where('r.id', '=', resourceId)
    .executeTakeFirst();
  if (!r) return undefined;
  // An account row missing (a test's bare resource) is not a switch turned off.
  const enabled = r.type === 'HOST' ? r.host_scanning !== 0 : r.image_scanning !== 0;
  const facts: Loaded['facts'] = {
    type: r.type as ResourceType,
    deleted: r.deleted_at !== null && r.deleted_at !== undefined,
    scanningEnabled: enabled,
    excluded: isExcluded(r.type, JSON.parse(r.tags_json) as Record<string, string>),
    ...(r.type === 'HOST' && !r.last_checkin_at && isAgentlessDetails(JSON.parse(r.details_json) as Record<string, unknown>)
      ? { unmanaged: true }
      : {}),
    ...(r.last_checkin_at && r.offline_at
      ? {
          agent: {
            lastCheckinAt: r.last_checkin_at,
            offlineAt: r.offline_at,
            inventoryWantedSince: r.inventory_wanted_since ?? null,
            staleAt: r.stale_at ?? null,
          },
        }
      : {}),
    ...(r.image_repository
      ? {
          image: {
            repository: r.image_repository,
            frequency: (r.image_frequency ?? null) as ImageWatchFacts['frequency'],
            eligibleUntil: r.image_eligible_until ?? null,
          },
        }
      : {}),
  };
  const current: StoredCoverage | undefined =
    r.status && r.reason && r.outcome
      ? {
          status: r.status as CoverageStatus,
          reason: r.reason as CoverageReason,
          outcome: r.outcome as ScanOutcome,
          outcomeMessage: r.outcome_message ?? null,
          lastScannedAt: r.last_scanned_at ?? null,
        }
      : undefined;
  return { facts, current };
}

export interface CoverageRefresh {
  accountId: string;
  resourceId: string;
  now: Date;
  /** What a scan just said; `scanned` moves lastScannedAt (a scan that matched packages). */
  outcome?: { outcome: ScanOutcome; message?: string | null; scanned?: boolean };
  /** Forget the last scan's outcome (registered, re-included, switched back on, terminated). */
  resetOutcome?: boolean;
  /** Forget when it was last scanned too (deleted: a revival starts as a new resource). */
  forgetLastScan?: boolean;
}

export interface CoverageResult extends CoverageDecision {
  resourceType: ResourceType;
  /** The status or reason changed (an event was written). */
  changed: boolean;
  /** When it had last been scanned before this refresh (null: never, since it entered coverage). */
  previousLastScannedAt: string | null;
  lastScannedAt: string | null;
}

/**
 * Decides a resource's coverage again from what the DB holds now (plus a scan's outcome), writes the
 * row, and, when the status or reason changed, a `vigil.coverage.changed` event in the caller's
 * transaction. Undefined when the resource does not exist.
 */
export async function refreshCoverage(db: Db, r: CoverageRefresh): Promise<CoverageResult | undefined> {
  const loaded = await loadFacts(db, r.accountId, r.resourceId);
  if (!loaded) return undefined;
  const { facts, current } = loaded;
  const now = r.now.toISOString();
  const keep = !r.resetOutcome && current;
  const outcome: ScanOutcome = r.outcome?.outcome ?? (keep ? current.outcome : 'PENDING_INITIAL_SCAN');
  const outcomeMessage = r.outcome ? (r.outcome.message ?? null) : keep ? current.outcomeMessage : null;
  const decision = decideCoverage({ ...facts, outcome, outcomeMessage }, r.now);
  const previousLastScannedAt = r.forgetLastScan ? null : (current?.lastScannedAt ?? null);
  const lastScannedAt = r.outcome?.scanned ? now : previousLastScannedAt;
  const changed = !current || current.status !== decision.status || current.reason !== decision.reason;
  const values = {
    resource_type: facts.type,
    status: decision.status,
    reason: decision.reason,
    message: decision.message,
    outcome,
    outcome_message: outcomeMessage,
    last_scanned_at: lastScannedAt,
  };
  if (current) {
    await db
      .updateTable('coverage')
      .set({ ...values, ...(changed ? { updated_at: now } : {}) })
      .where('account_id', '=', r.accountId)
      .where('resource_id', '=', r.resourceId)
      .where('scan_type', '=', PACKAGE)
      .execute();
  } else {
    await db
      .insertInto('coverage')
      .values({ ...values, account_id: r.accountId, resource_id: r.resourceId, scan_type: PACKAGE, updated_at: now })
      .execute();
  }
  if (changed) await appendEvents(db, [coverageEvent(r.accountId, r.resourceId, facts.type, decision)], now);
  return {
    ...decision,
    resourceType: facts.type,
    changed,
    previousLastScannedAt,
    lastScannedAt,
  };
}

/** Inspector's coverage change, as vigil announces it (the message only when there is one). */
function coverageEvent(accountId: string, resourceId: string, type: ResourceType, d: CoverageDecision) {
  return {
    type: 'vigil.coverage.changed' as const,
    accountId,
    subject: resourceId,
    data: {
      resourceId,
      resourceType: type,
      scanType: PACKAGE,
      status: d.status,
      reason: d.reason,
      ...(d.message ? { message: d.message } : {}),
    },
  };
}

/** Coverage rows of resources deleted before `cutoff` go, as closed findings do after the retention. */
export async function purgeTerminatedCoverage(db: Db, cutoff: string): Promise<number> {
  const r = await db
    .deleteFrom('coverage')
    .where('reason', '=', 'RESOURCE_TERMINATED')
    .where('updated_at', '<', cutoff)
    .executeTakeFirst();
  return Number(r.numDeletedRows);
}

/** The package-scan coverage of these resources as stored, by resource id (one indexed query). */
export async function coverageOfResources(
  db: Db,
  accountId: string,
  resourceIds: readonly string[],
): Promise<Map<string, { status: CoverageStatus; reason: CoverageReason }>> {
  if (resourceIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('coverage')
    .select(['resource_id', 'status', 'reason'])
    .where('account_id', '=', accountId)
    .where('scan_type', '=', PACKAGE)
    .where('resource_id', 'in', resourceIds)
    .execute();
  return new Map(
    rows.map((r) => [r.resource_id, { status: r.status as CoverageStatus, reason: r.reason as CoverageReason }]),
  );
}

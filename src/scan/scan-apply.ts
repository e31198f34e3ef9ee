import type { Kysely, Transaction } from 'kysely';
import { StaleDeltaError } from './stale-delta-error.js';
import { publishMetric } from '../core/metrics/metric-events.js';
import type { Inventory } from '../core/inventory.js';
import {
  applyScanOfResourceIn,
  PACKAGE_SCAN_TYPES,
  type LifecycleChanges,
} from '../findings/finding-lifecycle.js';
import type { Finding, ResourceType } from '../findings/finding-types.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { PreparedIndex } from '../resources/inventory-index.js';
import type { InventoryDelta } from '../resources/inventory-delta.js';
import { storeInventory, upsertScannedResource } from '../resources/resource-store.js';
import type { ScanOutcome } from '../resources/coverage/coverage-decision.js';
import { requireScannable } from '../resources/coverage/coverage-guard.js';
import { refreshCoverage } from '../resources/coverage/coverage-store.js';
import { recordInventoryReceived, type AgentReport } from '../resources/hosts/host-agent-store.js';
import { isDeadlock, isUniqueViolation } from '../store/unique-violation.js';
import { applyRematchesIn } from '../findings/finding-rematch.js';
import {
  digestOutsideScope,
  recordFindingsDigests,
  recordStoredFindingsDigest,
} from '../findings/finding-digest-store.js';
import { inventoriesStoredAt } from '../resources/rematch-targets.js';
import type { ServiceDialect } from '../store/service-db.js';
import { hintRematchedImages, hintScannedImage } from '../resources/registries/base-image-hint.js';

/** An inventory as it is stored: its JSON (made where the scan ran) and its package count. */
export interface StoredInventory {
  json: string;
  packages: number;
  /** Its re-match index, when a worker thread prepared it (else computed from `json` when stored). */
  index?: PreparedIndex;
}

export function storedInventory(inventory: Inventory): StoredInventory {
  return { json: JSON.stringify(inventory), packages: inventory.packages.length };
}

export interface FinishedScan {
  accountId: string;
  scan: { id: string; kind: 'inventory' | 'image' };
  resource: { id: string; type: ResourceType; details: Record<string, unknown> };
  inventory: StoredInventory;
  findings: readonly Finding[];
  now: Date;
  /** What the scan says for coverage; default SUCCESSFUL, or NO_INVENTORY when it holds no packages. */
  outcome?: { outcome: ScanOutcome; message: string | null };
  /** An agent's check-in: the host's facts are recorded with it, and a deregistered host is refused. */
  agent?: { inventoryHash: string; report: AgentReport; intervalSeconds: number };
  /** An image's ordered layer digests: recorded, and its findings named with a base image's (if any). */
  imageLayers?: readonly string[];
  /**
   * An agent's check-in matched only what changed since the inventory the server held (checkin-scan.ts):
   * `findings` are those of `delta.scope`; the index rows of the other components stay as stored.
   */
  delta?: InventoryDelta & { knownAt: string };
}

export interface ScanSummary {
  resourceId: string;
  scanId: string;
  packages: number;
  created: number;
  updated: number;
  observed: number;
  closed: number;
}

/**
 * Writes what one scan of one resource found, in ONE transaction: the resource (created or refreshed),
 * its inventory, its coverage, the findings lifecycle with its events and `vigil.scan.completed`, and
 * the scan row SUCCEEDED. Either all of it is visible or none of it. A host excluded, a kind switched
 * off or (for an agent) a host deregistered while the inventory was matched is refused, writing nothing.
 *
 * An inventory without packages closes nothing: "no packages" is what a broken collector or a member
 * key that wants findings gone would send, never evidence that vulnerabilities were fixed (closing by
 * intent is DELETE of the resource, an admin's call). It is stored with its scan, and the resource
 * shows coverage NO_INVENTORY until an inventory with packages arrives.
 */
export async function applyFinishedScan(db: Kysely<ServiceDatabase>, s: FinishedScan): Promise<ScanSummary> {
  const summary = await applyRetryingRace(db, s);
  publishMetric('scanFinished', { kind: s.scan.kind, outcome: 'succeeded' });
  return summary;
}

async function applyRetryingRace(db: Kysely<ServiceDatabase>, s: FinishedScan): Promise<ScanSummary> {
  try {
    return await applyOnce(db, s);
  } catch (err) {
    // Two submissions for one resource at once: both may create the resource or the same finding;
    // the loser runs again and sees what the winner wrote (an update, not a duplicate). A deadlock's
    // victim (another path locking the same rows in another order) wrote nothing and runs again too.
    if (!isUniqueViolation(err) && !isDeadlock(err)) throw err;
    return applyOnce(db, s);
  }
}

async function applyOnce(db: Kysely<ServiceDatabase>, s: FinishedScan): Promise<ScanSummary> {
  const now = s.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const at = { accountId: s.accountId, resourceId: s.resource.id };
    await requireScannable(trx, { ...at, agent: s.agent !== undefined });
    const tags = await upsertScannedResource(trx, { accountId: s.accountId, ...s.resource, now });
    const empty = s.inventory.packages === 0;
    const outcome = s.outcome ?? outcomeOf(empty);
    if (s.agent) {
      const { inventoryHash, report, intervalSeconds } = s.agent;
      await recordInventoryReceived(trx, { ...at, ...report, inventoryHash, now: s.now, intervalSeconds });
    }
    // Before the lifecycle, so a new resource's coverage event precedes its scan's events.
    const coverage = await refreshCoverage(trx, {
      ...at,
      now: s.now,
      outcome: { ...outcome, scanned: outcome.outcome !== 'NO_INVENTORY' },
    });
    // Inspector's INITIAL_SCAN_COMPLETE: the first successful scan since the resource was registered,
    // enrolled or brought back after a deletion.
    const initialScan = outcome.outcome === 'SUCCESSFUL' && coverage?.previousLastScannedAt === null;
    // The re-match index comes prepared from the worker thread when there was one (the parsed inventory
    // stayed there); else it is computed from the JSON.
    if (s.delta) await requireInventoryAt(trx, at, s.delta.knownAt);
    // Before the scope's findings are written.
    const carried = s.delta ? await digestOutsideScope(trx, at, s.delta.scope) : undefined;
    const { index } = s.inventory;
    await storeInventory(trx, s.accountId, s.resource.id, s.inventory.json, now, index, s.delta?.components);
    const resource = { ...s.resource, tags };
    const scanned = s.imageLayers ? await hintScannedImage(trx, at, s.imageLayers, s.findings) : s.findings;
    const findings = scanned.map((f) => ({ ...f, resources: [resource] }));
    const c: LifecycleChanges = await applyScanOfResourceIn(trx, {
      accountId: s.accountId,
      resourceId: s.resource.id,
      findings,
      now: s.now,
      scan: { ...s.scan, initialScan },
      keepUnseen: empty,
      findingTypes: PACKAGE_SCAN_TYPES,
      ...(s.delta ? { scope: s.delta.scope } : {}),
    });
    await recordStoredFindingsDigest(trx, at, carried);
    const summary: ScanSummary = {
      resourceId: s.resource.id,
      scanId: s.scan.id,
      packages: s.inventory.packages,
      created: c.created.length,
      updated: c.updated.length,
      observed: c.observed.length + (c.observedInPlace?.length ?? 0),
      closed: c.closed.length,
    };
    const done = { resource_id: s.resource.id, status: 'SUCCEEDED' as const, finished_at: now };
    const row = { ...done, summary_json: JSON.stringify(summary) };
    const updated = await trx.updateTable('scans').set(row).where('id', '=', s.scan.id).executeTakeFirst();
    if (Number(updated.numUpdatedRows) === 0) {
      // Inventory submissions complete inline: their scan row is born finished.
      await trx
        .insertInto('scans')
        .values({
          ...row,
          id: s.scan.id,
          account_id: s.accountId,
          kind: s.scan.kind,
          request_json: JSON.stringify({ resourceId: s.resource.id }),
          error_json: null,
          created_at: now,
          started_at: now,
        })
        .execute();
    }
    return summary;
  });
}

/** A delta applies onto the inventory it was computed against; another one stored meanwhile: stale. */
async function requireInventoryAt(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string },
  knownAt: string,
): Promise<void> {
  const row = await trx
    .selectFrom('inventories')
    .select('updated_at')
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .executeTakeFirst();
  if (row?.updated_at !== knownAt) throw new StaleDeltaError();
}

function outcomeOf(empty: boolean): { outcome: ScanOutcome; message: string | null } {
  return empty
    ? { outcome: 'NO_INVENTORY', message: 'the inventory holds no packages' }
    : { outcome: 'SUCCESSFUL', message: null };
}

export interface FinishedRematch {
  accountId: string;
  resourceId: string;
  /** When the re-matched inventory was stored (the guard: a newer one means a scan got there first). */
  inventoryUpdatedAt: string;
  /** Every finding the re-match produced in its scope. */
  findings: readonly Finding[];
  /** Package keys re-matched; undefined: every package finding. */
  scope?: readonly string[];
  /** Within `scope`, only these vulnerability ids are compared; undefined: all of them. */
  vulnerabilityIds?: readonly string[];
  /** scanDigest of each finding, when known (not computed again). */
  digests?: readonly string[];
  /** A full re-match's digest of `findings`, recorded once they are applied (see finding-digest-store). */
  findingsDigest?: string;
  now: Date;
}

/**
 * Writes what re-matching one stored inventory changed, in ONE transaction with its events (see
 * applyRematches). Returns the changes, or undefined when skipped.
 */
export async function applyRematch(
  db: Kysely<ServiceDatabase>,
  dialect: ServiceDialect,
  r: FinishedRematch,
): Promise<LifecycleChanges | undefined> {
  return (await applyRematches(db, dialect, [r]))[0];
}

/**
 * Images get the base-image hint their scan gave them; their precomputed digests are dropped, since
 * they were computed from the findings without it (the lifecycle computes them from the hinted ones).
 */
async function withImageHints(
  db: Kysely<ServiceDatabase>,
  rs: readonly FinishedRematch[],
): Promise<FinishedRematch[]> {
  const hinted = new Map((await hintRematchedImages(db, rs)).map((h) => [h.r, h.findings]));
  return rs.map((r) => {
    const findings = hinted.get(r);
    if (!findings) return r;
    const { digests: _stale, ...rest } = r;
    return { ...rest, findings };
  });
}

/**
 * Writes what re-matching many stored inventories changed, in ONE transaction with their events,
 * through the scan lifecycle (findings/finding-rematch.ts): all of it is visible or none of it, so a
 * re-match that dies between two batches is simply run again (what a batch applied compares equal the
 * next time, so nothing is written twice). A resource whose inventory was stored again meanwhile is
 * skipped (undefined in its place): the scan that stored it matched against the same or newer data.
 */
export async function applyRematches(
  db: Kysely<ServiceDatabase>,
  dialect: ServiceDialect,
  rs: readonly FinishedRematch[],
): Promise<Array<LifecycleChanges | undefined>> {
  if (rs.length === 0) return [];
  const once = (): Promise<Array<LifecycleChanges | undefined>> =>
    db.transaction().execute(async (trx) => {
      const storedAt = await inventoriesStoredAt(trx, rs, dialect === 'postgres');
      const current = rs.filter(
        (r) => storedAt.get(`${r.accountId}\0${r.resourceId}`) === r.inventoryUpdatedAt,
      );
      const changes = await applyRematchesIn(trx, await withImageHints(trx, current));
      // After the writes (which clear it): the resource's open findings are now exactly `findings`.
      await recordFindingsDigests(
        trx,
        current.flatMap((r) => (r.findingsDigest ? [{ ...r, digest: r.findingsDigest }] : [])),
      );
      const byResource = new Map(current.map((r, i) => [r, changes[i]]));
      return rs.map((r) => byResource.get(r));
    });
  try {
    return await once();
  } catch (err) {
    // A scan of the same resource created the same finding meanwhile: run again, see its row.
    if (!isUniqueViolation(err)) throw err;
    return once();
  }
}

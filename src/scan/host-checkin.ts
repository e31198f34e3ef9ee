import { randomUUID } from 'node:crypto';
import type { Inventory } from '../core/inventory.js';
import { isVigilError } from '../core/errors/vigil-error.js';
import { lockCoverage, refreshCoverage } from '../resources/coverage/coverage-store.js';
import type { ScanOutcome } from '../resources/coverage/coverage-decision.js';
import { hostDetails } from '../resources/resource-details.js';
import {
  recordHeartbeat,
  type AgentReport,
  type HostCheckinState,
} from '../resources/hosts/host-agent-store.js';
import { recordHeartbeatBatched } from '../resources/hosts/heartbeat-batch.js';
import { uploadWaits } from '../resources/queued-upload-store.js';
import { requireSaneClock, scansHost, wantsInventory } from '../resources/hosts/host-checkin-policy.js';
import type { StoreContext } from '../store/store-context.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { applyFinishedScan } from './scan-apply.js';
import { ScanFailedError } from './scan-failed-error.js';
import { matchCheckin, outcomeOf, type CheckinScan } from './checkin-match.js';
import { StaleDeltaError } from './stale-delta-error.js';
import { knownCurrentInventory } from './checkin-delta-gate.js';
import type { LoggedVulnDb } from './rematch-from-log.js';
import { ScanningUnavailableError } from './scanning-unavailable-error.js';
import type { WorkerPool } from './worker-pool.js';

/** A check-in as the agent sends it (the route checked its shape; see the issue 12 contract). */
export interface CheckinBody extends AgentReport {
  sentAt: string;
  inventoryHash: string;
  inventory?: Inventory;
  inventoryError?: { code: string; message: string };
}

export interface CheckinAnswer {
  checkinIntervalSeconds: number;
  wantInventory: boolean;
  serverTime: string;
}

export interface CheckinContext extends StoreContext {
  store?: VulnStore;
  intervalSeconds: number;
  /** Where the inventory is matched (worker threads); without one, on this thread. */
  pool?: WorkerPool;
  /** The vulnerability DB's import log: a delta check-in waits until the re-match has caught up with it. */
  vulnDb?: LoggedVulnDb;
  /**
   * Queue mode: a full inventory is stored for a worker's `inventory-match` job (queued-uploads.ts)
   * instead of being matched here, and the check-in is answered at once.
   */
  park?: (host: HostCheckinState, body: CheckinBody, inventory: Inventory, now: Date) => Promise<void>;
  /** Called right before a matched inventory is applied; throws to skip it (a newer upload, a stop). */
  beforeApply?: () => Promise<void>;
}

/** Refusals a scan may meet between matching and applying: the host stopped being scanned meanwhile. */
const NOT_SCANNED_NOW = new Set(['RESOURCE_EXCLUDED', 'SCANNING_DISABLED']);

/**
 * One check-in of an authenticated host (its key already looked up, `host`). A heartbeat is one row
 * update; an inventory error is recorded as NO_INVENTORY with the agent's words; a full inventory is
 * matched by THE scan service and applied like every scan (findings lifecycle, events, coverage, the
 * host's facts) in one transaction. The server's clock stamps everything.
 */
export async function checkIn(
  ctx: CheckinContext,
  host: HostCheckinState,
  body: CheckinBody,
): Promise<CheckinAnswer> {
  const now = ctx.now();
  requireSaneClock(body.sentAt, now);
  if (body.inventory) return receiveInventory(ctx, host, body, body.inventory, now);
  if (body.inventoryError) return receiveInventoryError(ctx, host, body, body.inventoryError, now);
  // An upload with this hash waits for a worker: asking for it again would only queue it twice.
  const want =
    wantsInventory(host, body.inventoryHash, now) &&
    !(ctx.park && (await uploadWaits(ctx.db, host, body.inventoryHash)));
  await recordHeartbeatBatched(ctx.db, host, {
    ...reportOf(body),
    now,
    intervalSeconds: ctx.intervalSeconds,
    wantInventory: want,
  });
  // Rare: the host was shown offline; coverage is decided again now that it is back.
  if (host.reason === 'AGENT_OFFLINE') await refreshIn(ctx, host, now);
  return answer(ctx, want, now);
}

function reportOf(b: AgentReport): AgentReport {
  return {
    agentVersion: b.agentVersion,
    ...(b.hostname !== undefined ? { hostname: b.hostname } : {}),
    ...(b.ipAddresses !== undefined ? { ipAddresses: b.ipAddresses } : {}),
  };
}

function answer(ctx: CheckinContext, wantInventory: boolean, now: Date): CheckinAnswer {
  return { checkinIntervalSeconds: ctx.intervalSeconds, wantInventory, serverTime: now.toISOString() };
}

async function refreshIn(
  ctx: CheckinContext,
  host: HostCheckinState,
  now: Date,
  outcome?: { outcome: ScanOutcome; message: string },
): Promise<void> {
  await ctx.db.transaction().execute(async (trx) => {
    await lockCoverage(trx, host.accountId, host.resourceId);
    await refreshCoverage(trx, {
      accountId: host.accountId,
      resourceId: host.resourceId,
      now,
      ...(outcome ? { outcome } : {}),
    });
  });
}

/**
 * The agent could not inventory its host: coverage NO_INVENTORY with its code and message, nothing
 * closed; the server forgets the inventory it held and keeps asking, and the wait for one restarts
 * (an agent that reports errors is NO_INVENTORY, not STALE_INVENTORY).
 */
async function receiveInventoryError(
  ctx: CheckinContext,
  host: HostCheckinState,
  body: CheckinBody,
  error: { code: string; message: string },
  now: Date,
): Promise<CheckinAnswer> {
  const want = wantsInventory({ ...host, inventoryHash: null }, body.inventoryHash, now);
  await ctx.db.transaction().execute(async (trx) => {
    await lockCoverage(trx, host.accountId, host.resourceId);
    const restarted = { ...host, inventoryWantedSince: null, staleAt: null };
    const beat = { ...reportOf(body), now, intervalSeconds: ctx.intervalSeconds, wantInventory: want };
    await recordHeartbeat(trx, restarted, { ...beat, forgetInventory: true });
    const message = `the agent could not inventory the host: ${error.code}: ${error.message}`;
    await refreshCoverage(trx, {
      accountId: host.accountId,
      resourceId: host.resourceId,
      now,
      outcome: { outcome: 'NO_INVENTORY', message },
    });
  });
  return answer(ctx, want, now);
}

async function receiveInventory(
  ctx: CheckinContext,
  host: HostCheckinState,
  body: CheckinBody,
  inventory: Inventory,
  now: Date,
): Promise<CheckinAnswer> {
  const heartbeatOnly = async (): Promise<CheckinAnswer> => {
    const beat = { ...reportOf(body), now, intervalSeconds: ctx.intervalSeconds, wantInventory: false };
    await recordHeartbeat(ctx.db, host, beat);
    return answer(ctx, false, now);
  };
  // Excluded, switched off: the inventory is not wanted, and not kept.
  if (!scansHost(host)) return heartbeatOnly();
  if (!ctx.store) throw new ScanningUnavailableError();
  if (ctx.park) {
    await ctx.park(host, body, inventory, now);
    return heartbeatOnly();
  }
  try {
    await scanAndApply(ctx, ctx.store, host, body, inventory, now);
  } catch (err) {
    if (isVigilError(err) && NOT_SCANNED_NOW.has(err.code)) return heartbeatOnly();
    // SERVER_BUSY (too many in flight) is recorded nowhere: the agent backs off and sends it again.
    if (!isVigilError(err) || err instanceof ScanFailedError) await recordInternalError(ctx, host, body, now);
    throw err;
  }
  return answer(ctx, false, now);
}

/**
 * A stored check-in's inventory, matched and applied by a worker (queue mode) exactly as `checkIn`
 * would have: nothing for a host no longer scanned, THE scan service, the same apply. `scanId` is the
 * upload's id, so the scan the findings name is the one the api stored.
 */
export async function applyStoredCheckin(
  ctx: CheckinContext,
  host: HostCheckinState,
  body: CheckinBody,
  inventory: Inventory,
  scanId: string,
): Promise<void> {
  if (!scansHost(host)) return;
  if (!ctx.store) throw new ScanningUnavailableError();
  try {
    await scanAndApply(ctx, ctx.store, host, body, inventory, ctx.now(), scanId);
  } catch (err) {
    if (isVigilError(err) && NOT_SCANNED_NOW.has(err.code)) return;
    throw err;
  }
}

/** Matches the inventory (THE scan service) and applies it with the host's facts, as every scan is. */
async function scanAndApply(
  ctx: CheckinContext,
  store: VulnStore,
  host: HostCheckinState,
  body: CheckinBody,
  inventory: Inventory,
  now: Date,
  scanId: string = randomUUID(),
): Promise<void> {
  const report = reportOf(body);
  const details = {
    ...hostDetails(inventory, now),
    // The agent names the host; an inventory of `--root DIR` would name the directory.
    ...(report.hostname !== undefined ? { hostname: report.hostname } : {}),
    ...(report.ipAddresses !== undefined ? { ipAddresses: report.ipAddresses } : {}),
    agentVersion: report.agentVersion,
    inventorySource: 'agent',
  };
  const resource = { id: host.resourceId, type: 'HOST' as const, details };
  const scan = { inventory, accountId: host.accountId, now, resource };
  const apply = async (scanned: CheckinScan): Promise<unknown> => {
    await ctx.beforeApply?.();
    return applyFinishedScan(ctx.db, {
      accountId: host.accountId,
      scan: { id: scanId, kind: 'inventory' },
      resource,
      inventory: scanned.stored,
      findings: scanned.findings,
      now,
      outcome: outcomeOf(inventory, scanned.notes),
      agent: { inventoryHash: body.inventoryHash, report, intervalSeconds: ctx.intervalSeconds },
      ...(scanned.delta ? { delta: scanned.delta } : {}),
    });
  };
  const known = await knownCurrentInventory(ctx, host, resource);
  try {
    await apply(await matchCheckin(ctx, store, scan, known));
  } catch (err) {
    // Another inventory of this host was stored while the changes were matched: match it whole.
    if (!(err instanceof StaleDeltaError)) throw err;
    await apply(await matchCheckin(ctx, store, scan, undefined));
  }
}

/** A scan that failed for a reason of the server's: INTERNAL_ERROR, and a full inventory asked again. */
async function recordInternalError(
  ctx: CheckinContext,
  host: HostCheckinState,
  body: CheckinBody,
  now: Date,
): Promise<void> {
  try {
    await ctx.db.transaction().execute(async (trx) => {
      await lockCoverage(trx, host.accountId, host.resourceId);
      const beat = { ...reportOf(body), now, intervalSeconds: ctx.intervalSeconds, wantInventory: true };
      await recordHeartbeat(trx, host, { ...beat, forgetInventory: true });
      await refreshCoverage(trx, {
        accountId: host.accountId,
        resourceId: host.resourceId,
        now,
        outcome: { outcome: 'INTERNAL_ERROR', message: 'the server could not scan the inventory' },
      });
    });
  } catch {
    // The original failure is what the caller reports; this record is best effort.
  }
}

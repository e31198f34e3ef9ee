import { randomUUID } from 'node:crypto';
import { requireScanningEnabled } from '../accounts/scanning-settings.js';
import type { Finding } from '../findings/finding-types.js';
import { resourceRow } from '../resources/resource-store.js';
import { ResourceTypeMismatchError } from '../resources/resource-type-mismatch-error.js';
import type { StoreContext } from '../store/store-context.js';
import { applyFinishedScan, type ScanSummary } from './scan-apply.js';
import type { WorkerPool } from './worker-pool.js';

export interface HostSubmission {
  accountId: string;
  resourceId: string;
  /** The request body as received: JSON bytes, read on a worker thread. */
  body: Uint8Array;
  /**
   * The route's JSON schema for the body (vigil inventory JSON or CycloneDX); none: the body is the
   * inventory a queued submission stored, read and checked when it was received.
   */
  schema?: object;
  /** The scan's id (a queued submission's: the id its 202 answer gave); default a new one. */
  scanId?: string;
  /** Called right before the result is applied; throws to skip it (a newer upload, a stop). */
  beforeApply?: () => Promise<void>;
}

/** What a submission must pass before it is read: host scanning on, the resource a host if it exists. */
export async function requireHostSubmission(ctx: StoreContext, s: HostSubmission): Promise<void> {
  await requireScanningEnabled(ctx.db, s.accountId, 'host');
  const existing = await resourceRow(ctx.db, s.accountId, s.resourceId);
  if (existing && !existing.deleted_at && existing.type !== 'HOST')
    throw new ResourceTypeMismatchError(s.resourceId, existing.type);
}

/**
 * A host inventory submitted through the API (vigil JSON or CycloneDX): read, checked and matched by
 * THE scan service on a worker thread (a 100,000-package body is seconds of CPU that must not hold
 * the event loop), then applied to the host's findings in one transaction here, as every scan is.
 */
export async function submitHostInventory(
  ctx: StoreContext,
  pool: WorkerPool,
  s: HostSubmission,
): Promise<ScanSummary> {
  await requireHostSubmission(ctx, s);
  const now = ctx.now();
  const scanned = await pool.run({
    kind: 'scan-submission',
    body: s.body,
    ...(s.schema ? { schema: s.schema } : {}),
    accountId: s.accountId,
    resourceId: s.resourceId,
    now: now.toISOString(),
  });
  await s.beforeApply?.();
  return applyFinishedScan(ctx.db, {
    accountId: s.accountId,
    scan: { id: s.scanId ?? randomUUID(), kind: 'inventory' },
    resource: { id: s.resourceId, type: 'HOST', details: scanned.details },
    inventory: { json: scanned.inventoryJson, packages: scanned.packages, index: scanned.index },
    findings: JSON.parse(scanned.findingsJson) as Finding[],
    now,
  });
}

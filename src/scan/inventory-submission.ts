import { randomUUID } from 'node:crypto';
import { requireScanningEnabled } from '../accounts/scanning-settings.js';
import { hostDetails } from '../resources/resource-details.js';
import { resourceRow } from '../resources/resource-store.js';
import { ResourceTypeMismatchError } from '../resources/resource-type-mismatch-error.js';
import { inventoryOfBody } from '../resources/submitted-inventory.js';
import type { StoreContext } from '../store/store-context.js';
import type { VulnStore } from '../vulndb/vuln-types.js';
import { applyFinishedScan, type ScanSummary } from './scan-apply.js';
import { scanTarget } from './scan-service.js';

/**
 * A host inventory submitted through the API (vigil JSON or CycloneDX): matched by THE scan service and
 * applied to the host's findings in one transaction, inline (it is only matching, no fetching).
 */
export async function submitHostInventory(
  ctx: StoreContext,
  store: VulnStore,
  s: { accountId: string; resourceId: string; body: unknown },
): Promise<ScanSummary> {
  const now = ctx.now();
  const inventory = inventoryOfBody(s.body, now);
  await requireScanningEnabled(ctx.db, s.accountId, 'host');
  const existing = await resourceRow(ctx.db, s.accountId, s.resourceId);
  if (existing && !existing.deleted_at && existing.type !== 'HOST')
    throw new ResourceTypeMismatchError(s.resourceId, existing.type);
  const resource = { id: s.resourceId, type: 'HOST' as const, details: hostDetails(inventory, now) };
  const result = await scanTarget(
    { kind: 'inventory', inventory },
    { store, accountId: s.accountId, now, resource: () => resource },
  );
  return applyFinishedScan(ctx.db, {
    accountId: s.accountId,
    scan: { id: randomUUID(), kind: 'inventory' },
    resource,
    inventory,
    findings: result.findings,
    now,
  });
}

import type { Kysely } from 'kysely';
import type { Inventory } from '../core/inventory.js';
import { applyScanOfResourceIn, type LifecycleChanges } from '../findings/finding-lifecycle.js';
import type { Finding, ResourceType } from '../findings/finding-types.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { storeInventory, upsertScannedResource } from '../resources/resource-store.js';
import { isUniqueViolation } from '../store/unique-violation.js';

export interface FinishedScan {
  accountId: string;
  scan: { id: string; kind: 'inventory' | 'image' };
  resource: { id: string; type: ResourceType; details: Record<string, unknown> };
  inventory: Inventory;
  findings: readonly Finding[];
  now: Date;
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
 * its inventory, the findings lifecycle with its events and `vigil.scan.completed`, and the scan row
 * SUCCEEDED. Either all of it is visible or none of it.
 *
 * An inventory without packages closes nothing: "no packages" is what a broken collector or a member
 * key that wants findings gone would send, never evidence that vulnerabilities were fixed (closing by
 * intent is DELETE of the resource, an admin's call). It is stored with its scan, and the resource
 * shows coverage NO_INVENTORY until an inventory with packages arrives.
 */
export async function applyFinishedScan(db: Kysely<ServiceDatabase>, s: FinishedScan): Promise<ScanSummary> {
  try {
    return await applyOnce(db, s);
  } catch (err) {
    // Two submissions for one resource at once: both may create the resource or the same finding;
    // the loser runs again and sees what the winner wrote (an update, not a duplicate).
    if (!isUniqueViolation(err)) throw err;
    return applyOnce(db, s);
  }
}

async function applyOnce(db: Kysely<ServiceDatabase>, s: FinishedScan): Promise<ScanSummary> {
  const now = s.now.toISOString();
  return db.transaction().execute(async (trx) => {
    const empty = s.inventory.packages.length === 0;
    const tags = await upsertScannedResource(trx, {
      accountId: s.accountId,
      ...s.resource,
      now,
      coverage: empty ? 'NO_INVENTORY' : 'SUCCESSFUL',
    });
    await storeInventory(trx, s.accountId, s.resource.id, JSON.stringify(s.inventory), now);
    const resource = { ...s.resource, tags };
    const findings = s.findings.map((f) => ({ ...f, resources: [resource] }));
    const c: LifecycleChanges = await applyScanOfResourceIn(trx, {
      accountId: s.accountId,
      resourceId: s.resource.id,
      findings,
      now: s.now,
      scan: s.scan,
      keepUnseen: empty,
    });
    const summary: ScanSummary = {
      resourceId: s.resource.id,
      scanId: s.scan.id,
      packages: s.inventory.packages.length,
      created: c.created.length,
      updated: c.updated.length,
      observed: c.observed.length,
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

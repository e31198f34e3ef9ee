import type { Kysely, Selectable, Transaction } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import { isCleanId } from '../core/identifier-text.js';
import { closeFindings } from '../findings/finding-closer.js';
import type { ResourceType } from '../findings/finding-types.js';
import { reevaluateSuppression } from '../findings/suppression/suppression-reevaluator.js';
import { findingJson, findingOfRow } from '../findings/finding-rows.js';
import type { ResourceTable, ServiceDatabase } from '../store/service-db-schema.js';
import type { CoverageReason, CoverageStatus } from './coverage/coverage-decision.js';
import { lockCoverage, refreshCoverage } from './coverage/coverage-store.js';
import { afterResourceDeleted, afterTagsChanged } from './coverage/coverage-transitions.js';
import type { Inventory } from '../core/inventory.js';
import {
  deleteInventoryIndex,
  prepareInventoryIndex,
  writeInventoryIndex,
  type PreparedIndex,
} from './inventory-index.js';
import { writeInventoryIndexDelta } from './inventory-delta.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;
export type ResourceRow = Selectable<ResourceTable>;

/** Package scanning of a resource as the resource shows it; the coverage table is its one store. */
export interface Coverage {
  scanType: 'PACKAGE';
  status: CoverageStatus;
  reason: CoverageReason;
}

/** A resource as the API shows it (DESIGN §3). */
export interface ResourceView {
  id: string;
  accountId: string;
  type: ResourceType;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  coverage: Coverage;
  createdAt: string;
  updatedAt: string;
}

/** A live resource without a coverage row yet has just been registered. */
const PENDING: Coverage = { scanType: 'PACKAGE', status: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' };

export function resourceView(r: ResourceRow, coverage: Coverage = PENDING): ResourceView {
  return {
    id: r.id,
    accountId: r.account_id,
    type: r.type as ResourceType,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    coverage,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** The row of a resource, deleted or not (a deleted one can be registered again). */
export async function resourceRow(db: Db, accountId: string, id: string): Promise<ResourceRow | undefined> {
  return db
    .selectFrom('resources')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
}

export interface NewResource {
  accountId: string;
  id: string;
  type: ResourceType;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  now: string;
  /** PENDING_INITIAL_SCAN when registered by hand; SCANNED when a scan brought it in (the scan writes its coverage). */
  reason: 'PENDING_INITIAL_SCAN' | 'SCANNED';
}

/**
 * Inserts the resource, or revives a deleted row of the same id (history kept, fresh facts), with its
 * tags. Registered (PENDING_INITIAL_SCAN), it gets its coverage row and event here; brought in by a
 * scan, the scan's own coverage refresh writes them. The caller checked that no live resource has this id.
 */
export async function insertResource(trx: Transaction<ServiceDatabase>, r: NewResource): Promise<void> {
  // The routes refuse such ids already; this holds for every other way in (image digests, agents).
  if (!isCleanId(r.id)) throw new ValidationError('a resource id must not hold control or bidi characters');
  const row = {
    type: r.type,
    tags_json: JSON.stringify(r.tags),
    details_json: JSON.stringify(r.details),
    created_at: r.now,
    updated_at: r.now,
    deleted_at: null,
  };
  // Revive only a deleted row; else insert, and a live row of the same id (a concurrent registration
  // that committed after the caller's check) fails on the primary key instead of being overwritten.
  const revived = await trx
    .updateTable('resources')
    .set(row)
    .where('account_id', '=', r.accountId)
    .where('id', '=', r.id)
    .where('deleted_at', 'is not', null)
    .executeTakeFirst();
  if (Number(revived.numUpdatedRows) === 0) {
    await trx
      .insertInto('resources')
      .values({ ...row, id: r.id, account_id: r.accountId })
      .execute();
  }
  await writeTags(trx, r.accountId, r.id, r.tags);
  if (r.reason === 'PENDING_INITIAL_SCAN')
    await refreshCoverage(trx, {
      accountId: r.accountId,
      resourceId: r.id,
      now: new Date(r.now),
      resetOutcome: true,
    });
}

/**
 * Replaces the tag map: the `resource_tags` rows (what filters read) and the JSON copy; an exclusion
 * tag that came or went changes coverage (and closes the findings of a host now excluded).
 */
export async function replaceTags(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  id: string,
  tags: Record<string, string>,
  now: string,
): Promise<void> {
  await lockCoverage(trx, accountId, id);
  const old = await resourceRow(trx, accountId, id);
  await trx
    .updateTable('resources')
    .set({ tags_json: JSON.stringify(tags), updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
  await writeTags(trx, accountId, id, tags);
  if (old) {
    const before = JSON.parse(old.tags_json) as Record<string, string>;
    await afterTagsChanged(trx, {
      accountId,
      resourceId: id,
      type: old.type,
      before,
      after: tags,
      now: new Date(now),
    });
  }
  await refreshFindingTags(trx, accountId, id, tags);
  // Rules may filter on tags: the resource's open findings follow its new tags at once.
  await reevaluateSuppression(trx, accountId, new Date(now), id);
}

/**
 * Open findings show the resource's tags as they are now (closed ones keep those they closed with).
 * Only the JSON changes: filters read `resource_tags`, and a tag change is not news about a finding.
 */
async function refreshFindingTags(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  id: string,
  tags: Record<string, string>,
): Promise<void> {
  const rows = await trx
    .selectFrom('findings')
    .select(['id', 'last_observed_at', findingJson()])
    .where('account_id', '=', accountId)
    .where('resource_id', '=', id)
    .where('status', '<>', 'CLOSED')
    .execute();
  for (const row of rows) {
    const f = findingOfRow(row);
    const [first, ...rest] = f.resources;
    if (!first) continue;
    f.resources = [{ ...first, tags }, ...rest];
    await trx
      .updateTable('finding_documents')
      .set({ finding_json: JSON.stringify(f) })
      .where('id', '=', row.id)
      .execute();
  }
}

async function writeTags(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  id: string,
  tags: Record<string, string>,
): Promise<void> {
  await trx
    .deleteFrom('resource_tags')
    .where('account_id', '=', accountId)
    .where('resource_id', '=', id)
    .execute();
  const rows = Object.entries(tags).map(([key, value]) => ({
    account_id: accountId,
    resource_id: id,
    key,
    value,
  }));
  if (rows.length > 0) await trx.insertInto('resource_tags').values(rows).execute();
}

/**
 * Deletes a resource: the row stays (deleted_at) for the audit trail, its tags and inventory go, its
 * open findings close with their events, its host keys are revoked and coverage turns INACTIVE
 * (RESOURCE_TERMINATED). Returns how many findings closed.
 */
export async function deleteResource(
  trx: Transaction<ServiceDatabase>,
  r: { accountId: string; id: string; type: string; now: Date },
): Promise<number> {
  const now = r.now.toISOString();
  await lockCoverage(trx, r.accountId, r.id);
  await trx
    .updateTable('resources')
    .set({
      deleted_at: now,
      updated_at: now,
      tags_json: '{}',
    })
    .where('account_id', '=', r.accountId)
    .where('id', '=', r.id)
    .execute();
  await trx
    .deleteFrom('resource_tags')
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.id)
    .execute();
  await trx
    .deleteFrom('inventories')
    .where('account_id', '=', r.accountId)
    .where('resource_id', '=', r.id)
    .execute();
  await deleteInventoryIndex(trx, { accountId: r.accountId, resourceId: r.id });
  const closed = await closeFindings(trx, {
    accountId: r.accountId,
    criteria: { resourceId: [{ comparison: 'EQUALS', value: r.id }] },
    now: r.now,
  });
  await afterResourceDeleted(trx, { accountId: r.accountId, resourceId: r.id, now: r.now });
  return closed.length;
}

/**
 * The resource a scan reports on: created (or revived) when new, its details refreshed when it exists.
 * Its coverage is the scan's to write (refreshCoverage with the scan's outcome: SUCCESSFUL, or
 * NO_INVENTORY for an inventory without packages). Returns its tags, which travel with every finding.
 */
export async function upsertScannedResource(
  trx: Transaction<ServiceDatabase>,
  r: { accountId: string; id: string; type: ResourceType; details: Record<string, unknown>; now: string },
): Promise<Record<string, string>> {
  const old = await resourceRow(trx, r.accountId, r.id);
  if (!old || old.deleted_at) {
    await insertResource(trx, { ...r, tags: {}, reason: 'SCANNED' });
    return {};
  }
  const details = { ...(JSON.parse(old.details_json) as Record<string, unknown>), ...r.details };
  await trx
    .updateTable('resources')
    .set({ details_json: JSON.stringify(details), updated_at: r.now })
    .where('account_id', '=', r.accountId)
    .where('id', '=', r.id)
    .execute();
  return JSON.parse(old.tags_json) as Record<string, string>;
}

/**
 * The last inventory of a resource (SBOM export reads it) and its index (re-matching reads it), in
 * the caller's transaction. `index` is the index a worker thread prepared beside the match; without
 * it, the index is computed here from the JSON.
 */
export async function storeInventory(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  resourceId: string,
  inventoryJson: string,
  now: string,
  index?: PreparedIndex,
  /** Only these lookup components changed (a delta check-in): the other index rows stay as stored. */
  components?: readonly string[],
): Promise<void> {
  await trx
    .insertInto('inventories')
    .values({
      account_id: accountId,
      resource_id: resourceId,
      inventory_json: inventoryJson,
      updated_at: now,
    })
    // `excluded`, not the value again: an inventory is megabytes, bound once is enough.
    .onConflict((oc) =>
      oc.columns(['account_id', 'resource_id']).doUpdateSet((eb) => ({
        inventory_json: eb.ref('excluded.inventory_json'),
        updated_at: eb.ref('excluded.updated_at'),
      })),
    )
    .execute();
  // The findings digest (m0033) speaks of findings, not of the inventory: the scan that stores this
  // inventory records it again once its findings are written (scan-apply.ts).
  if (index && components) return writeInventoryIndexDelta(trx, { accountId, resourceId }, index, components);
  await writeInventoryIndex(
    trx,
    { accountId, resourceId },
    index ?? prepareInventoryIndex(JSON.parse(inventoryJson) as Pick<Inventory, 'packages' | 'os'>),
  );
}

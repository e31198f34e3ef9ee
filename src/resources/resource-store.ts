import type { Kysely, Selectable, Transaction } from 'kysely';
import { ValidationError } from '../core/errors/validation-error.js';
import { isCleanId } from '../core/identifier-text.js';
import { appendEvents } from '../events/event-outbox.js';
import type { OutboxEvent } from '../events/event-types.js';
import { closeFindings } from '../findings/finding-closer.js';
import type { ResourceType } from '../findings/finding-types.js';
import { reevaluateSuppression } from '../findings/suppression/suppression-reevaluator.js';
import { findingOfRow } from '../findings/finding-rows.js';
import type { ResourceTable, ServiceDatabase } from '../store/service-db-schema.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;
export type ResourceRow = Selectable<ResourceTable>;

/** Why package scanning of a resource is ACTIVE or INACTIVE (the reasons vigil sets so far). */
export type CoverageReason = 'PENDING_INITIAL_SCAN' | 'SUCCESSFUL' | 'NO_INVENTORY' | 'RESOURCE_TERMINATED';

export interface Coverage {
  scanType: 'PACKAGE';
  status: 'ACTIVE' | 'INACTIVE';
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

/** Scanning stops being ACTIVE when there is nothing to scan or no resource. */
function coverageStatus(reason: CoverageReason): Coverage['status'] {
  return reason === 'NO_INVENTORY' || reason === 'RESOURCE_TERMINATED' ? 'INACTIVE' : 'ACTIVE';
}

export function resourceView(r: ResourceRow): ResourceView {
  return {
    id: r.id,
    accountId: r.account_id,
    type: r.type as ResourceType,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    coverage: {
      scanType: 'PACKAGE',
      status: (r.coverage_status as Coverage['status'] | null) ?? 'ACTIVE',
      reason: (r.coverage_reason as CoverageReason | null) ?? 'PENDING_INITIAL_SCAN',
    },
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

/** Coverage as Inspector words it: package scanning of this resource is ACTIVE or INACTIVE, and why. */
function coverageEvent(accountId: string, id: string, type: string, reason: CoverageReason): OutboxEvent {
  const status = coverageStatus(reason);
  return {
    type: 'vigil.coverage.changed',
    accountId,
    subject: id,
    data: { resourceId: id, resourceType: type, scanType: 'PACKAGE', status, reason },
  };
}

export interface NewResource {
  accountId: string;
  id: string;
  type: ResourceType;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  now: string;
  /** PENDING_INITIAL_SCAN when registered by hand, SUCCESSFUL (NO_INVENTORY if empty) when a scan brought it in. */
  reason: 'PENDING_INITIAL_SCAN' | 'SUCCESSFUL' | 'NO_INVENTORY';
}

/**
 * Inserts the resource, or revives a deleted row of the same id (history kept, fresh facts), with its
 * tags and a coverage event. The caller checked that no live resource has this id.
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
    coverage_status: coverageStatus(r.reason),
    coverage_reason: r.reason,
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
  await appendEvents(trx, [coverageEvent(r.accountId, r.id, r.type, r.reason)], r.now);
}

/** Replaces the tag map: the `resource_tags` rows (what filters read) and the JSON copy. */
export async function replaceTags(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  id: string,
  tags: Record<string, string>,
  now: string,
): Promise<void> {
  await trx
    .updateTable('resources')
    .set({ tags_json: JSON.stringify(tags), updated_at: now })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
  await writeTags(trx, accountId, id, tags);
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
    .select(['id', 'finding_json'])
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
      .updateTable('findings')
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
 * open findings close with their events, and coverage turns INACTIVE (RESOURCE_TERMINATED). Returns
 * how many findings closed.
 */
export async function deleteResource(
  trx: Transaction<ServiceDatabase>,
  r: { accountId: string; id: string; type: string; now: Date },
): Promise<number> {
  const now = r.now.toISOString();
  await trx
    .updateTable('resources')
    .set({
      deleted_at: now,
      updated_at: now,
      tags_json: '{}',
      coverage_status: 'INACTIVE',
      coverage_reason: 'RESOURCE_TERMINATED',
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
  const closed = await closeFindings(trx, {
    accountId: r.accountId,
    criteria: { resourceId: [{ comparison: 'EQUALS', value: r.id }] },
    now: r.now,
  });
  await appendEvents(trx, [coverageEvent(r.accountId, r.id, r.type, 'RESOURCE_TERMINATED')], now);
  return closed.length;
}

/**
 * The resource a scan reports on: created (or revived) when new, its details refreshed when it exists,
 * its coverage set (SUCCESSFUL, or NO_INVENTORY for an inventory without packages) with an event when
 * that changed. Returns its tags, which travel with every finding of the scan.
 */
export async function upsertScannedResource(
  trx: Transaction<ServiceDatabase>,
  r: {
    accountId: string;
    id: string;
    type: ResourceType;
    details: Record<string, unknown>;
    now: string;
    /** Default SUCCESSFUL: the scan had packages. */
    coverage?: 'SUCCESSFUL' | 'NO_INVENTORY';
  },
): Promise<Record<string, string>> {
  const coverage = r.coverage ?? 'SUCCESSFUL';
  const old = await resourceRow(trx, r.accountId, r.id);
  if (!old || old.deleted_at) {
    await insertResource(trx, { ...r, tags: {}, reason: coverage });
    return {};
  }
  const details = { ...(JSON.parse(old.details_json) as Record<string, unknown>), ...r.details };
  await trx
    .updateTable('resources')
    .set({
      details_json: JSON.stringify(details),
      updated_at: r.now,
      coverage_status: coverageStatus(coverage),
      coverage_reason: coverage,
    })
    .where('account_id', '=', r.accountId)
    .where('id', '=', r.id)
    .execute();
  if (old.coverage_reason !== coverage)
    await appendEvents(trx, [coverageEvent(r.accountId, r.id, old.type, coverage)], r.now);
  return JSON.parse(old.tags_json) as Record<string, string>;
}

/** The last inventory of a resource (SBOM export reads it). */
export async function storeInventory(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  resourceId: string,
  inventoryJson: string,
  now: string,
): Promise<void> {
  await trx
    .insertInto('inventories')
    .values({
      account_id: accountId,
      resource_id: resourceId,
      inventory_json: inventoryJson,
      updated_at: now,
    })
    .onConflict((oc) =>
      oc
        .columns(['account_id', 'resource_id'])
        .doUpdateSet({ inventory_json: inventoryJson, updated_at: now }),
    )
    .execute();
}

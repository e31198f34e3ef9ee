import type { Kysely, Selectable, Transaction } from 'kysely';
import { eligibleUntilOf, frequencyOf, type ImageScanConfig } from '../../accounts/image-scan-config.js';
import type { RegistryImageTable, ServiceDatabase } from '../../store/service-db-schema.js';
import { refreshCoverage } from '../coverage/coverage-store.js';
import { closeFindings } from '../../findings/finding-closer.js';
import { deleteResource, insertResource, resourceRow } from '../resource-store.js';

type Trx = Transaction<ServiceDatabase>;
export type RegistryImageRow = Selectable<RegistryImageTable>;

/** What a registry said about one image (a push seen by notification or by polling). */
export interface ImagePush {
  accountId: string;
  registryId: string;
  registryHost: string;
  repository: string;
  digest: string;
  tag: string | null;
  mediaType: string | null;
  at: string;
}

export async function registryImage(
  trx: Kysely<ServiceDatabase> | Trx,
  accountId: string,
  digest: string,
): Promise<RegistryImageRow | undefined> {
  return trx
    .selectFrom('registry_images')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('resource_id', '=', digest)
    .executeTakeFirst();
}

/** The resource details an image's registry facts give (they travel with its findings). */
export function watchedDetails(host: string, row: RegistryImageRow): Record<string, unknown> {
  return {
    repositoryName: `${host}/${row.repository}`,
    imageTags: JSON.parse(row.tags_json) as string[],
    imageHash: row.resource_id,
    registry: host,
    registryId: row.registry_id,
    pushedAt: row.pushed_at,
    lastPulledAt: row.last_pulled_at,
  };
}

async function writeDetails(trx: Trx, host: string, row: RegistryImageRow, now: string): Promise<void> {
  const old = await resourceRow(trx, row.account_id, row.resource_id);
  const details = watchedDetails(host, row);
  if (!old || old.deleted_at) {
    await insertResource(trx, {
      accountId: row.account_id,
      id: row.resource_id,
      type: 'CONTAINER_IMAGE',
      tags: {},
      details,
      now,
      reason: 'PENDING_INITIAL_SCAN',
    });
    return;
  }
  const merged = { ...(JSON.parse(old.details_json) as Record<string, unknown>), ...details };
  await trx
    .updateTable('resources')
    .set({ details_json: JSON.stringify(merged), updated_at: now })
    .where('account_id', '=', row.account_id)
    .where('id', '=', row.resource_id)
    .execute();
}

/**
 * Records a push: the image row (tags merged, push date moved on, its rule and window decided again)
 * and its CONTAINER_IMAGE resource (created PENDING_INITIAL_SCAN when new, or brought back after a
 * delete). Returns the row; the caller decides whether a scan is due.
 */
export async function recordPush(
  trx: Trx,
  p: ImagePush,
  config: ImageScanConfig,
  now: Date,
): Promise<RegistryImageRow> {
  const old = await registryImage(trx, p.accountId, p.digest);
  const revived = !old || old.deleted_at !== null;
  const tags = new Set<string>(revived ? [] : (JSON.parse(old.tags_json) as string[]));
  if (p.tag && !(await taggedLater(trx, p))) tags.add(p.tag);
  const pushedAt = !revived && old.pushed_at > p.at ? old.pushed_at : p.at;
  const frequency = frequencyOf(config.rules, p.repository);
  const lastPulledAt = revived ? null : old.last_pulled_at;
  const row: RegistryImageRow = {
    account_id: p.accountId,
    resource_id: p.digest,
    registry_id: p.registryId,
    repository: p.repository,
    tags_json: JSON.stringify([...tags].sort()),
    media_type: p.mediaType ?? old?.media_type ?? null,
    pushed_at: pushedAt,
    last_pulled_at: lastPulledAt,
    scan_frequency: frequency,
    eligible_until: eligibleUntilOf(config, frequency, { pushedAt, lastPulledAt }),
    scan_id: revived ? null : old.scan_id,
    scan_queued_at: revived ? null : old.scan_queued_at,
    deleted_at: null,
  };
  if (old) {
    await trx
      .updateTable('registry_images')
      .set(row)
      .where('account_id', '=', p.accountId)
      .where('resource_id', '=', p.digest)
      .execute();
  } else {
    await trx.insertInto('registry_images').values(row).execute();
  }
  await writeDetails(trx, p.registryHost, row, now.toISOString());
  await refreshCoverage(trx, { accountId: p.accountId, resourceId: p.digest, now });
  await moveTag(trx, p, now);
  return row;
}

/** Another image of the repository got this tag by a later push: a late notification does not take it back. */
async function taggedLater(trx: Trx, p: ImagePush): Promise<boolean> {
  const later = await trx
    .selectFrom('registry_images')
    .select('tags_json')
    .where('account_id', '=', p.accountId)
    .where('registry_id', '=', p.registryId)
    .where('repository', '=', p.repository)
    .where('resource_id', '!=', p.digest)
    .where('deleted_at', 'is', null)
    .where('pushed_at', '>', p.at)
    .execute();
  return later.some((o) => (JSON.parse(o.tags_json) as string[]).includes(p.tag ?? ''));
}

/**
 * A tag names one digest at a time: pushed onto a new digest, it leaves the image it named before,
 * which stays an image of its own with its findings until it is deleted or its window lapses. An
 * image pushed later than this event keeps the tag (a notification delivered late moves nothing).
 */
async function moveTag(trx: Trx, p: ImagePush, now: Date): Promise<void> {
  if (!p.tag) return;
  const others = await trx
    .selectFrom('registry_images')
    .select(['resource_id', 'tags_json'])
    .where('account_id', '=', p.accountId)
    .where('registry_id', '=', p.registryId)
    .where('repository', '=', p.repository)
    .where('resource_id', '!=', p.digest)
    .where('deleted_at', 'is', null)
    .where('pushed_at', '<=', p.at)
    .execute();
  for (const o of others)
    if ((JSON.parse(o.tags_json) as string[]).includes(p.tag))
      await recordUntag(trx, p.registryHost, p.accountId, o.resource_id, p.tag, now);
}

/** Notes the scan a push queued, so further events of the same digest are covered by it. */
export async function recordScanQueued(
  trx: Trx,
  accountId: string,
  digest: string,
  scanId: string,
  at: string,
): Promise<void> {
  await trx
    .updateTable('registry_images')
    .set({ scan_id: scanId, scan_queued_at: at })
    .where('account_id', '=', accountId)
    .where('resource_id', '=', digest)
    .execute();
}

/** A pull: the last pull date (which may extend the window), on the row and the resource. */
export async function recordPull(
  trx: Trx,
  host: string,
  accountId: string,
  digest: string,
  at: string,
  config: ImageScanConfig,
  now: Date,
): Promise<boolean> {
  const old = await registryImage(trx, accountId, digest);
  if (!old || old.deleted_at !== null) return false;
  const lastPulledAt = old.last_pulled_at && old.last_pulled_at > at ? old.last_pulled_at : at;
  const row = {
    ...old,
    last_pulled_at: lastPulledAt,
    eligible_until: eligibleUntilOf(config, old.scan_frequency as 'CONTINUOUS_SCAN' | null, {
      pushedAt: old.pushed_at,
      lastPulledAt,
    }),
  };
  await trx
    .updateTable('registry_images')
    .set({ last_pulled_at: row.last_pulled_at, eligible_until: row.eligible_until })
    .where('account_id', '=', accountId)
    .where('resource_id', '=', digest)
    .execute();
  await writeDetails(trx, host, row, now.toISOString());
  await refreshCoverage(trx, { accountId, resourceId: digest, now });
  return true;
}

/** A manifest deleted in the registry: the image is gone, its findings close (RESOURCE_TERMINATED). */
export async function recordDelete(trx: Trx, accountId: string, digest: string, now: Date): Promise<number> {
  const old = await registryImage(trx, accountId, digest);
  if (!old || old.deleted_at !== null) return 0;
  await trx
    .updateTable('registry_images')
    .set({ deleted_at: now.toISOString(), scan_id: null, scan_queued_at: null })
    .where('account_id', '=', accountId)
    .where('resource_id', '=', digest)
    .execute();
  const live = await resourceRow(trx, accountId, digest);
  if (!live || live.deleted_at) return 0;
  return deleteResource(trx, { accountId, id: digest, type: 'CONTAINER_IMAGE', now });
}

/** A tag removed (distribution v3 deletes tags by name): the image stays, the tag leaves its list. */
export async function recordUntag(
  trx: Trx,
  host: string,
  accountId: string,
  digest: string,
  tag: string,
  now: Date,
): Promise<void> {
  const old = await registryImage(trx, accountId, digest);
  if (!old || old.deleted_at !== null) return;
  const tags = (JSON.parse(old.tags_json) as string[]).filter((t) => t !== tag);
  const row = { ...old, tags_json: JSON.stringify(tags) };
  await trx
    .updateTable('registry_images')
    .set({ tags_json: row.tags_json })
    .where('account_id', '=', accountId)
    .where('resource_id', '=', digest)
    .execute();
  await writeDetails(trx, host, row, now.toISOString());
}

/**
 * The account's rules or window changed: every live image's rule and window are decided again, its
 * coverage refreshed; an image no rule includes any more has its findings closed (as a host excluded
 * by tag). Returns the digests that are now included but were never scanned (the caller queues them).
 */
export async function reevaluateImages(
  trx: Trx,
  accountId: string,
  config: ImageScanConfig,
  now: Date,
): Promise<{ evaluated: number; unscanned: RegistryImageRow[] }> {
  const rows = await trx
    .selectFrom('registry_images')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('deleted_at', 'is', null)
    .execute();
  const unscanned: RegistryImageRow[] = [];
  for (const old of rows) {
    const frequency = frequencyOf(config.rules, old.repository);
    const eligible = eligibleUntilOf(config, frequency, {
      pushedAt: old.pushed_at,
      lastPulledAt: old.last_pulled_at,
    });
    await trx
      .updateTable('registry_images')
      .set({ scan_frequency: frequency, eligible_until: eligible })
      .where('account_id', '=', accountId)
      .where('resource_id', '=', old.resource_id)
      .execute();
    const coverage = await refreshCoverage(trx, { accountId, resourceId: old.resource_id, now });
    if (coverage?.reason === 'EXCLUDED_BY_RULE' || coverage?.reason === 'SCAN_ELIGIBILITY_EXPIRED')
      await closeImageFindings(trx, accountId, old.resource_id, now);
    if (frequency !== null && coverage?.reason === 'PENDING_INITIAL_SCAN' && old.scan_id === null)
      unscanned.push({ ...old, scan_frequency: frequency, eligible_until: eligible });
  }
  return { evaluated: rows.length, unscanned };
}

export async function closeImageFindings(
  trx: Trx,
  accountId: string,
  digest: string,
  now: Date,
): Promise<number> {
  const closed = await closeFindings(trx, {
    accountId,
    criteria: { resourceId: [{ comparison: 'EQUALS', value: digest }] },
    now,
  });
  return closed.length;
}

/** Live images whose window ended by `now` and whose coverage still says ACTIVE (the sweep's work). */
export async function lapsedImages(
  trx: Kysely<ServiceDatabase> | Trx,
  now: string,
  limit: number,
): Promise<RegistryImageRow[]> {
  return (
    trx
      .selectFrom('registry_images as ri')
      .innerJoin('coverage as c', (j) =>
        j
          .onRef('c.account_id', '=', 'ri.account_id')
          .onRef('c.resource_id', '=', 'ri.resource_id')
          .on('c.scan_type', '=', 'PACKAGE'),
      )
      .selectAll('ri')
      .where('ri.deleted_at', 'is', null)
      .where('ri.eligible_until', 'is not', null)
      .where('ri.eligible_until', '<=', now)
      // Still shown as scanning: an expired, excluded or switched-off image is not picked again.
      .where('c.status', '=', 'ACTIVE')
      .orderBy('ri.eligible_until')
      .limit(limit)
      .execute()
  );
}

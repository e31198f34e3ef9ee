import { sql, type Kysely, type Transaction } from 'kysely';
import type { OsInfo } from '../core/os-info.js';
import type { ResourceType } from '../findings/finding-types.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import type { ResourceRef } from './inventory-index.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/** A resource with a stored inventory, as a re-match needs it: who it is and what it was matched for. */
export interface RematchTarget extends ResourceRef {
  type: ResourceType;
  tags: Record<string, string>;
  details: Record<string, unknown>;
  os: OsInfo | undefined;
  /** When its inventory was stored: a newer one (a scan meanwhile) makes this re-match moot. */
  inventoryUpdatedAt: string;
  /** The digest of its findings a full re-match or a scan recorded (findings_digests); null: none. */
  findingsDigest: string | null;
  /** An image a watched registry told of: its scan frequency and rescan window (issue 13). */
  image?: { frequency: string | null; eligibleUntil: string | null };
  /**
   * Its components and their keys (inventories.component_keys_json, JSON [component, key][]), when
   * asked for; null: indexed before m0028 (its index rows say it instead).
   */
  componentKeysJson?: string | null;
}

/**
 * The live resources among `refs` whose account scans their kind (host scanning for hosts, image
 * scanning for images) and that still hold an inventory. Deleted resources, switched-off accounts and
 * resources without inventory are left out: their findings are closed, and a re-match must not reopen them.
 */
export async function rematchTargets(
  db: Db,
  refs: readonly ResourceRef[],
  opts: { componentKeys?: boolean } = {},
): Promise<RematchTarget[]> {
  if (refs.length === 0) return [];
  const rows = await db
    .selectFrom('resources as r')
    .innerJoin('accounts as a', 'a.id', 'r.account_id')
    .innerJoin('inventories as i', (j) =>
      j.onRef('i.account_id', '=', 'r.account_id').onRef('i.resource_id', '=', 'r.id'),
    )
    .leftJoin('findings_digests as fd', (j) =>
      j.onRef('fd.account_id', '=', 'r.account_id').onRef('fd.resource_id', '=', 'r.id'),
    )
    .leftJoin('registry_images as ri', (j) =>
      j.onRef('ri.account_id', '=', 'r.account_id').onRef('ri.resource_id', '=', 'r.id'),
    )
    .select([
      'r.account_id',
      'r.id',
      'r.type',
      'r.tags_json',
      'r.details_json',
      'i.os_json',
      'i.updated_at',
      'fd.digest as findings_digest',
    ])
    .select(['ri.repository as watched', 'ri.scan_frequency', 'ri.eligible_until'])
    // Null unless asked for: a re-match by key reads the rows of the keys instead.
    .select((eb) =>
      (opts.componentKeys ? eb.ref('i.component_keys_json') : eb.val(null)).as('component_keys_json'),
    )
    .where(
      sql<boolean>`(r.account_id, r.id) in (${sql.join(refs.map((x) => sql`(${x.accountId}, ${x.resourceId})`))})`,
    )
    .where('r.deleted_at', 'is', null)
    .where((eb) =>
      eb.or([
        eb.and([eb('r.type', '=', 'HOST'), eb('a.host_scanning', '=', 1)]),
        eb.and([eb('r.type', '=', 'CONTAINER_IMAGE'), eb('a.image_scanning', '=', 1)]),
      ]),
    )
    .orderBy('r.account_id')
    .orderBy('r.id')
    .execute();
  return rows.map((r) => ({
    accountId: r.account_id,
    resourceId: r.id,
    type: r.type as ResourceType,
    tags: JSON.parse(r.tags_json) as Record<string, string>,
    details: JSON.parse(r.details_json) as Record<string, unknown>,
    os: r.os_json === null ? undefined : (JSON.parse(r.os_json) as OsInfo),
    inventoryUpdatedAt: r.updated_at,
    findingsDigest: r.findings_digest ?? null,
    ...(opts.componentKeys ? { componentKeysJson: r.component_keys_json ?? null } : {}),
    ...(r.watched
      ? { image: { frequency: r.scan_frequency ?? null, eligibleUntil: r.eligible_until ?? null } }
      : {}),
  }));
}

/** Every stored inventory after `after` in (account, resource) order, `limit` at a time (a full re-match). */
export async function storedInventoryPage(
  db: Db,
  after: ResourceRef | undefined,
  limit: number,
): Promise<ResourceRef[]> {
  let q = db.selectFrom('inventories').select(['account_id', 'resource_id']);
  if (after)
    q = q.where((eb) =>
      eb.or([
        eb('account_id', '>', after.accountId),
        eb.and([eb('account_id', '=', after.accountId), eb('resource_id', '>', after.resourceId)]),
      ]),
    );
  const rows = await q.orderBy('account_id').orderBy('resource_id').limit(limit).execute();
  return rows.map((r) => ({ accountId: r.account_id, resourceId: r.resource_id }));
}

/**
 * When each resource's inventory was stored (`account\0resource` → time), read for update on
 * PostgreSQL: the re-match's guard (see scan-apply), taken in (account, resource) order so two
 * writers lock in the same order.
 */
export async function inventoriesStoredAt(
  trx: Transaction<ServiceDatabase>,
  refs: readonly ResourceRef[],
  lock: boolean,
): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  for (let i = 0; i < refs.length; i += REFS_PER_QUERY) {
    const chunk = refs.slice(i, i + REFS_PER_QUERY);
    const q = trx
      .selectFrom('inventories')
      .select(['account_id', 'resource_id', 'updated_at'])
      .where(
        sql<boolean>`(account_id, resource_id) in (${sql.join(chunk.map((x) => sql`(${x.accountId}, ${x.resourceId})`))})`,
      )
      .orderBy('account_id')
      .orderBy('resource_id');
    for (const row of await (lock ? q.forUpdate() : q).execute())
      out.set(`${row.account_id}\0${row.resource_id}`, row.updated_at);
  }
  return out;
}

/** Resources per guard query: two bound parameters each, well under either backend's limit. */
const REFS_PER_QUERY = 500;

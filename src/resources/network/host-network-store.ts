import type { Kysely, Transaction } from 'kysely';
import type { FindingResource } from '../../findings/finding-types.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { isExcluded } from '../coverage/coverage-decision.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/**
 * The network facts each host's agent last sent (table host_network), the exposure their last
 * analysis found, and the cloud network model of an account (table cloud_networks). The analysis
 * itself is scan/network-analysis.ts; the score context reads the exposure (findings/score-context.ts).
 */

export interface StoredNetworkFacts {
  accountId: string;
  resourceId: string;
  factsHash: string;
  factsJson: string;
  instanceId: string | null;
  exposureJson: string | null;
}

/** Keeps the facts a check-in carried (the route checked them); the analysis runs after. */
export async function storeNetworkFacts(
  db: Db,
  f: { accountId: string; resourceId: string; hash: string; json: string; instanceId?: string; now: Date },
): Promise<void> {
  const row = {
    facts_hash: f.hash,
    facts_json: f.json,
    instance_id: f.instanceId ?? null,
    received_at: f.now.toISOString(),
  };
  await db
    .insertInto('host_network')
    .values({
      account_id: f.accountId,
      resource_id: f.resourceId,
      ...row,
      exposure_json: null,
      analysed_at: null,
    })
    .onConflict((oc) => oc.columns(['account_id', 'resource_id']).doUpdateSet(row))
    .execute();
}

/**
 * The host is gone (deleted, or not a host): its facts go too, so the periodic job does not pick it
 * again and again; an agent that comes back is asked for them (its digest no longer matches).
 */
export async function forgetNetworkFacts(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string },
): Promise<void> {
  await trx
    .deleteFrom('host_network')
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .execute();
}

/** The digest of the facts the server holds for a host: a heartbeat with another one is answered "send them". */
export async function networkFactsHash(
  db: Db,
  accountId: string,
  resourceId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('host_network')
    .select('facts_hash')
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  return row?.facts_hash;
}

export async function networkFactsOf(
  db: Db,
  accountId: string,
  resourceId: string,
): Promise<StoredNetworkFacts | undefined> {
  const r = await db
    .selectFrom('host_network')
    .select(['account_id', 'resource_id', 'facts_hash', 'facts_json', 'instance_id', 'exposure_json'])
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
  return r
    ? {
        accountId: r.account_id,
        resourceId: r.resource_id,
        factsHash: r.facts_hash,
        factsJson: r.facts_json,
        instanceId: r.instance_id,
        exposureJson: r.exposure_json,
      }
    : undefined;
}

/** The hosts with network facts: one account's, or every account's (the 12-hourly re-analysis). */
export async function hostsWithNetworkFacts(
  db: Db,
  accountId?: string,
): Promise<Array<{ accountId: string; resourceId: string }>> {
  let q = db.selectFrom('host_network').select(['account_id', 'resource_id']);
  if (accountId !== undefined) q = q.where('account_id', '=', accountId);
  const rows = await q.orderBy('account_id').orderBy('resource_id').execute();
  return rows.map((r) => ({ accountId: r.account_id, resourceId: r.resource_id }));
}

/** Hosts whose last analysis is older than `before` (or never ran), oldest first: the periodic re-analysis. */
export async function hostsDueForAnalysis(
  db: Db,
  before: Date,
  limit: number,
): Promise<Array<{ accountId: string; resourceId: string }>> {
  const rows = await db
    .selectFrom('host_network')
    .select(['account_id', 'resource_id'])
    .where((eb) => eb.or([eb('analysed_at', 'is', null), eb('analysed_at', '<', before.toISOString())]))
    .orderBy('analysed_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ accountId: r.account_id, resourceId: r.resource_id }));
}

/** The host that told its agent it is this cloud instance, if any. */
export async function hostOfInstance(
  db: Db,
  accountId: string,
  instanceId: string,
): Promise<string | undefined> {
  const row = await db
    .selectFrom('host_network')
    .select('resource_id')
    .where('account_id', '=', accountId)
    .where('instance_id', '=', instanceId)
    .orderBy('resource_id')
    .executeTakeFirst();
  return row?.resource_id;
}

export async function storeExposure(
  trx: Transaction<ServiceDatabase>,
  at: { accountId: string; resourceId: string; now: Date },
  exposureJson: string,
): Promise<void> {
  await trx
    .updateTable('host_network')
    .set({ exposure_json: exposureJson, analysed_at: at.now.toISOString() })
    .where('account_id', '=', at.accountId)
    .where('resource_id', '=', at.resourceId)
    .execute();
}

/** The account's uploaded AWS describe-* outputs (already checked by the route), replacing any before. */
export async function putCloudNetwork(db: Db, accountId: string, json: string, now: Date): Promise<void> {
  const row = { network_json: json, uploaded_at: now.toISOString() };
  await db
    .insertInto('cloud_networks')
    .values({ account_id: accountId, ...row })
    .onConflict((oc) => oc.column('account_id').doUpdateSet(row))
    .execute();
}

export async function cloudNetworkOf(
  db: Db,
  accountId: string,
): Promise<{ json: string; uploadedAt: string } | undefined> {
  const row = await db
    .selectFrom('cloud_networks')
    .select(['network_json', 'uploaded_at'])
    .where('account_id', '=', accountId)
    .executeTakeFirst();
  return row ? { json: row.network_json, uploadedAt: row.uploaded_at } : undefined;
}

/**
 * The host as its network findings name it, and whether it is analysed: a live HOST of an account
 * with network scanning on, not tagged for exclusion. Undefined for a deleted or unknown resource.
 */
export async function hostForNetworkAnalysis(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  resourceId: string,
): Promise<{ view: FindingResource; scanning: boolean } | undefined> {
  const row = await trx
    .selectFrom('resources as r')
    .leftJoin('accounts as a', 'a.id', 'r.account_id')
    .select(['r.type', 'r.details_json', 'r.tags_json', 'r.deleted_at', 'a.network_scanning'])
    .where('r.account_id', '=', accountId)
    .where('r.id', '=', resourceId)
    .executeTakeFirst();
  if (!row || row.deleted_at || row.type !== 'HOST') return undefined;
  const tags = JSON.parse(row.tags_json) as Record<string, string>;
  const details = JSON.parse(row.details_json) as Record<string, unknown>;
  return {
    view: { id: resourceId, type: 'HOST', details, tags },
    scanning: row.network_scanning !== 0 && !isExcluded('HOST', tags),
  };
}

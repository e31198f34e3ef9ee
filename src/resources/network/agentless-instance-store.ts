import type { Kysely, Transaction } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { refreshCoverage } from '../coverage/coverage-store.js';
import { CLOUD_NETWORK_SOURCE, isAgentlessDetails } from './cloud-network-source.js';
import { deleteResource, insertResource, replaceTags, resourceRow } from '../resource-store.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;

/**
 * HOST resources for the cloud instances no agent names (Inspector reports reachability for every
 * instance, agent or not). The resource id is the instance id; its details say it comes from the
 * account's cloud network, which is also how coverage tells it is unmanaged (UNMANAGED_EC2_INSTANCE).
 * The analysis that writes their findings is scan/agentless-network-analysis.ts.
 */

export interface AgentlessInstance {
  instanceId: string;
  privateIpAddresses: string[];
  publicIpAddresses: string[];
  tags: Record<string, string>;
}

/**
 * Creates (or revives) the instance's resource, or refreshes its details and tags. 'foreign': a live
 * resource of that id exists that the upload did not create (registered by hand): it is left alone.
 */
export async function keepAgentlessResource(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  i: AgentlessInstance,
  now: Date,
): Promise<'created' | 'kept' | 'foreign'> {
  const at = now.toISOString();
  const details = {
    source: CLOUD_NETWORK_SOURCE,
    instanceId: i.instanceId,
    privateIpAddresses: i.privateIpAddresses,
    publicIpAddresses: i.publicIpAddresses,
  };
  const old = await resourceRow(trx, accountId, i.instanceId);
  if (!old || old.deleted_at) {
    const r = { accountId, id: i.instanceId, type: 'HOST' as const, tags: i.tags, details, now: at };
    await insertResource(trx, { ...r, reason: 'SCANNED' });
    await refreshCoverage(trx, { accountId, resourceId: i.instanceId, now, resetOutcome: true });
    return 'created';
  }
  if (old.type !== 'HOST' || !isAgentlessDetails(JSON.parse(old.details_json) as Record<string, unknown>))
    return 'foreign';
  // updated_at says when the instance was last seen in an analysis: the periodic job reads it.
  await trx
    .updateTable('resources')
    .set({ details_json: JSON.stringify(details), updated_at: at })
    .where('account_id', '=', accountId)
    .where('id', '=', i.instanceId)
    .execute();
  if (old.tags_json !== JSON.stringify(i.tags)) await replaceTags(trx, accountId, i.instanceId, i.tags, at);
  await refreshCoverage(trx, { accountId, resourceId: i.instanceId, now });
  return 'kept';
}

/**
 * Retires the instance's agentless resource, if a live one exists, as DELETE of a host does: its
 * findings close and its coverage is RESOURCE_TERMINATED. True when one was retired.
 */
export async function retireAgentlessResource(
  trx: Transaction<ServiceDatabase>,
  accountId: string,
  instanceId: string,
  now: Date,
): Promise<boolean> {
  const old = await resourceRow(trx, accountId, instanceId);
  if (!old || old.deleted_at || old.type !== 'HOST') return false;
  if (!isAgentlessDetails(JSON.parse(old.details_json) as Record<string, unknown>)) return false;
  await deleteResource(trx, { accountId, id: instanceId, type: old.type, now });
  return true;
}

/** The live agentless resources of an account (instance ids), optionally only those last seen before `before`. */
export async function agentlessResourcesOf(
  db: Db,
  accountId?: string,
  before?: Date,
): Promise<Array<{ accountId: string; instanceId: string }>> {
  // Hosts an agent enrolled are never agentless: the join keeps them out before any JSON is read.
  let q = db
    .selectFrom('resources as r')
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'r.account_id').onRef('h.resource_id', '=', 'r.id'),
    )
    .select(['r.account_id', 'r.id', 'r.details_json'])
    .where('r.type', '=', 'HOST')
    .where('r.deleted_at', 'is', null)
    .where('h.resource_id', 'is', null);
  if (accountId !== undefined) q = q.where('r.account_id', '=', accountId);
  if (before !== undefined) q = q.where('r.updated_at', '<', before.toISOString());
  const rows = await q.orderBy('r.account_id').orderBy('r.id').execute();
  return rows
    .filter((r) => isAgentlessDetails(JSON.parse(r.details_json) as Record<string, unknown>))
    .map((r) => ({ accountId: r.account_id, instanceId: r.id }));
}

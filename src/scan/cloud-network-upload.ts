import type { Kysely } from 'kysely';
import { buildAwsNetwork } from '../network/cloud/aws-network-model.js';
import { hostOfInstance, putCloudNetwork } from '../resources/network/host-network-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { analyseAgentlessInstances } from './agentless-network-analysis.js';
import { analyseAllHostNetworks } from './network-analysis.js';

export interface CloudNetworkUploaded {
  accountId: string;
  uploadedAt: string;
  instances: number;
  /** Instances joined with a host whose agent named that instance id (their cloud paths are analysed). */
  hosts: Array<{ instanceId: string; resourceId: string }>;
  /** Instances no agent named: each has a HOST resource of its own (id: the instance id), agentless. */
  instancesWithoutHost: string[];
  /** Agentless resources retired by this upload: the instance is gone, or an agent names it now. */
  agentlessRetired: string[];
  /** Hosts of the account analysed again after the upload. */
  analysed: number;
}

/**
 * An admin's upload of the AWS describe-* outputs of an account: checked whole by the engine (a
 * dangling reference is CLOUD_NETWORK_DANGLING_REFERENCE naming the id, an unreadable CIDR
 * CLOUD_NETWORK_INVALID; nothing is stored then), stored in place of the last one, every host of
 * the account with network facts analysed again with it, and the instances no agent names given (or
 * kept, or retired from) a resource of their own.
 */
export async function uploadCloudNetwork(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  body: unknown,
  now: Date,
): Promise<CloudNetworkUploaded> {
  const net = buildAwsNetwork(body);
  await putCloudNetwork(db, accountId, JSON.stringify(body), now);
  const hosts: CloudNetworkUploaded['hosts'] = [];
  const instancesWithoutHost: string[] = [];
  for (const instanceId of [...net.instances.keys()].sort()) {
    const resourceId = await hostOfInstance(db, accountId, instanceId);
    if (resourceId) hosts.push({ instanceId, resourceId });
    else instancesWithoutHost.push(instanceId);
  }
  const analysed = await analyseAllHostNetworks(db, now, accountId);
  const agentless = await analyseAgentlessInstances(db, accountId, now);
  return {
    accountId,
    uploadedAt: now.toISOString(),
    instances: net.instances.size,
    hosts,
    instancesWithoutHost,
    agentlessRetired: agentless.retired,
    analysed: analysed.length,
  };
}

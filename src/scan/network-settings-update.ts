import type { Kysely } from 'kysely';
import {
  checkNetworkSettings,
  putNetworkSettings,
  type NetworkSettings,
} from '../resources/network/network-settings-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { analyseAgentlessInstances } from './agentless-network-analysis.js';
import { analyseAllHostNetworks } from './network-analysis.js';

export interface NetworkSettingsUpdated extends NetworkSettings {
  accountId: string;
  updatedAt: string;
  /** Hosts of the account analysed again with the new settings. */
  analysed: number;
  /** Instances of the account's cloud network without an agent, analysed again. */
  agentlessAnalysed: number;
}

/**
 * An admin's new network settings for an account: checked whole (NETWORK_SETTINGS_INVALID naming the
 * bad entry; nothing stored then), stored in place of the last, and every host and agentless instance
 * of the account analysed again, so a finding whose port is now open only to trusted ranges closes
 * (with its event) and the contextual scores follow the new exposure.
 */
export async function updateNetworkSettings(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  body: unknown,
  now: Date,
): Promise<NetworkSettingsUpdated> {
  const settings = checkNetworkSettings(body);
  await putNetworkSettings(db, accountId, settings, now);
  const analysed = await analyseAllHostNetworks(db, now, accountId);
  const agentless = await analyseAgentlessInstances(db, accountId, now);
  return {
    accountId,
    ...settings,
    updatedAt: now.toISOString(),
    analysed: analysed.length,
    agentlessAnalysed: agentless.analysed.length,
  };
}

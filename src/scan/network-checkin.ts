import type { Kysely } from 'kysely';
import { readNetworkFacts } from '../network/network-facts-reader.js';
import { networkFactsDigest } from '../network/network-facts-digest.js';
import type { NetworkFacts } from '../network/network-facts.js';
import type { HostCheckinState } from '../resources/hosts/host-agent-store.js';
import { networkFactsHash, storeNetworkFacts } from '../resources/network/host-network-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import { analyseHostNetwork, type NetworkAnalysisSummary } from './network-analysis.js';

/** What a check-in says about the host's network: the facts (read by readCheckinFacts), or their digest. */
export interface NetworkCheckin {
  facts?: NetworkFacts;
  factsHash?: string;
}

/**
 * Reads the facts of a check-in with the engine's limits before anything of the check-in is written:
 * NETWORK_FACTS_TOO_LARGE past 16 MiB of JSON, NETWORK_FACTS_INVALID naming where it is wrong.
 */
export function readCheckinFacts(value: unknown): NetworkFacts {
  return readNetworkFacts(JSON.stringify(value));
}

export interface NetworkCheckinAnswer {
  /** The server holds other facts than the digest presented (or none): send them. */
  wantNetworkFacts: boolean;
  analysis?: NetworkAnalysisSummary;
}

/**
 * The network side of one check-in (after the package side accepted it): new facts are kept and
 * analysed at once; a digest alone is compared with the kept facts'. Facts that did not change since
 * the last ones are not analysed again (the 12-hourly job does that).
 */
export async function checkInNetwork(
  db: Kysely<ServiceDatabase>,
  host: Pick<HostCheckinState, 'accountId' | 'resourceId'>,
  body: NetworkCheckin,
  now: Date,
): Promise<NetworkCheckinAnswer> {
  const at = { accountId: host.accountId, resourceId: host.resourceId };
  const held = await networkFactsHash(db, at.accountId, at.resourceId);
  if (body.facts === undefined) {
    const want = body.factsHash !== undefined && body.factsHash !== held;
    return { wantNetworkFacts: want };
  }
  const facts = body.facts;
  const json = JSON.stringify(facts);
  const hash = networkFactsDigest(facts);
  if (hash === held) return { wantNetworkFacts: false };
  const instanceId = facts.cloud?.instanceId;
  await storeNetworkFacts(db, { ...at, hash, json, now, ...(instanceId ? { instanceId } : {}) });
  const analysis = await analyseHostNetwork(db, { ...at, now });
  return { wantNetworkFacts: false, ...(analysis ? { analysis } : {}) };
}

import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import { applyScanOfResourceIn } from '../findings/finding-lifecycle.js';
import { rescoreResourceIn } from '../findings/finding-rescore.js';
import type { Finding, FindingResource } from '../findings/finding-types.js';
import { NOT_ANALYSED } from '../findings/score-context.js';
import { analyzeAwsPaths, type CloudPathResult } from '../network/cloud/aws-path-analysis.js';
import { buildAwsNetwork, type AwsNetwork } from '../network/cloud/aws-network-model.js';
import { analyzeHostPaths } from '../network/host/host-path-analysis.js';
import { checkNetworkFacts } from '../network/network-facts-reader.js';
import type { NetworkFacts } from '../network/network-facts.js';
import {
  cloudReachabilityFindings,
  hostReachabilityFindings,
  internetExposure,
  type NetworkFindingDraft,
} from '../network/reachability-findings.js';
import type { InternetExposure } from '../risk/contextual-score.js';
import { lockCoverage } from '../resources/coverage/coverage-store.js';
import { retireAgentlessResource } from '../resources/network/agentless-instance-store.js';
import {
  cloudNetworkOf,
  forgetNetworkFacts,
  hostForNetworkAnalysis,
  hostsDueForAnalysis,
  hostsWithNetworkFacts,
  networkFactsOf,
  storeExposure,
} from '../resources/network/host-network-store.js';
import { networkSettingsOf } from '../resources/network/network-settings-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';

/**
 * Network reachability of one host, in the service: its agent's facts (host firewall and sockets)
 * and, when its account uploaded a cloud network and the agent named its instance id, the cloud
 * paths to that instance. The NETWORK_REACHABILITY findings go through the scan lifecycle (only that
 * type: a package scan never closes them, nor this one package findings), and when the exposure from
 * the internet changes, the host's findings are scored again in the new context, each with its event.
 */

export interface NetworkAnalysisSummary {
  resourceId: string;
  findings: number;
  created: number;
  updated: number;
  closed: number;
  exposure: InternetExposure;
  rescored: number;
}

export interface CloudContext {
  net: AwsNetwork;
  results: CloudPathResult[];
}

/** Analyses one host's stored facts; undefined when it has none (or the host is gone). */
export async function analyseHostNetwork(
  db: Kysely<ServiceDatabase>,
  at: { accountId: string; resourceId: string; now: Date },
  cloud?: CloudContext | null,
): Promise<NetworkAnalysisSummary | undefined> {
  const stored = await networkFactsOf(db, at.accountId, at.resourceId);
  if (!stored) return undefined;
  const facts = checkNetworkFacts(JSON.parse(stored.factsJson));
  const cloudCtx = cloud === undefined ? await cloudContextOf(db, at.accountId) : cloud;
  const instanceId = facts.cloud?.instanceId;
  const cloudResults =
    cloudCtx && instanceId ? cloudCtx.results.filter((r) => r.instanceId === instanceId) : [];
  const inCloud = cloudCtx !== null && instanceId !== undefined && cloudCtx.net.instances.has(instanceId);
  const { trustedCidrs } = await networkSettingsOf(db, at.accountId);
  const host = analyzeHostPaths(facts, { trustedCidrs });
  const drafts = [
    ...hostReachabilityFindings(at.resourceId, host),
    ...(inCloud && cloudCtx ? cloudDrafts(cloudCtx, cloudResults, facts, at.resourceId) : []),
  ];
  const exposure = internetExposure({ host, ...(inCloud ? { cloud: cloudResults } : {}) });
  return db.transaction().execute(async (trx) => {
    await lockCoverage(trx, at.accountId, at.resourceId);
    const resource = await hostForNetworkAnalysis(trx, at.accountId, at.resourceId);
    if (!resource) {
      await forgetNetworkFacts(trx, at);
      return undefined;
    }
    // The agent names the instance now: its agentless resource retires (one resource per instance).
    if (instanceId && instanceId !== at.resourceId)
      await retireAgentlessResource(trx, at.accountId, instanceId, at.now);
    const on = resource.scanning;
    const findings = on ? drafts.map((d) => findingOf(d, at, resource.view)) : [];
    const effective = on ? exposure : NOT_ANALYSED;
    const c = await applyScanOfResourceIn(trx, {
      accountId: at.accountId,
      resourceId: at.resourceId,
      findings,
      now: at.now,
      findingTypes: ['NETWORK_REACHABILITY'],
    });
    const json = JSON.stringify(effective);
    await storeExposure(trx, at, json);
    const rescored = json === stored.exposureJson ? 0 : (await rescoreResourceIn(trx, at, effective)).length;
    return {
      resourceId: at.resourceId,
      findings: findings.length,
      created: c.created.length,
      updated: c.updated.length,
      closed: c.closed.length,
      exposure: effective,
      rescored,
    };
  });
}

/** Every host of the account (or of every account) with facts: after a cloud network upload, every 12 h. */
export async function analyseAllHostNetworks(
  db: Kysely<ServiceDatabase>,
  now: Date,
  accountId?: string,
): Promise<NetworkAnalysisSummary[]> {
  const out: NetworkAnalysisSummary[] = [];
  const clouds = new Map<string, CloudContext | null>();
  for (const h of await hostsWithNetworkFacts(db, accountId)) {
    let cloud = clouds.get(h.accountId);
    if (cloud === undefined) clouds.set(h.accountId, (cloud = await cloudContextOf(db, h.accountId)));
    const s = await analyseHostNetwork(db, { ...h, now }, cloud);
    if (s) out.push(s);
  }
  return out;
}

export async function cloudContextOf(
  db: Kysely<ServiceDatabase>,
  accountId: string,
): Promise<CloudContext | null> {
  const stored = await cloudNetworkOf(db, accountId);
  if (!stored) return null;
  const net = buildAwsNetwork(JSON.parse(stored.json));
  const { trustedCidrs } = await networkSettingsOf(db, accountId);
  return { net, results: analyzeAwsPaths(net, { trustedCidrs }) };
}

/**
 * The cloud drafts name the instance; in the service they belong to the host resource it joined (or,
 * with no facts, to the instance's own agentless resource: the NO_AGENT categories).
 */
export function cloudDrafts(
  ctx: CloudContext,
  results: readonly CloudPathResult[],
  facts: NetworkFacts | undefined,
  resourceId: string,
): NetworkFindingDraft[] {
  const byInstance = new Map(facts ? [[facts.cloud?.instanceId ?? '', facts]] : []);
  const privateOf = (eni: string): string | undefined => ctx.net.enis.get(eni)?.PrivateIpAddress;
  return cloudReachabilityFindings(results, byInstance, privateOf).map((d) => ({
    ...d,
    fingerprint: `${resourceId}|cloud|${d.fingerprint}`,
    resources: [{ ...d.resources[0], id: resourceId, type: 'HOST' as const, details: {} }],
  }));
}

export function findingOf(
  d: NetworkFindingDraft,
  at: { accountId: string; now: Date },
  resource: FindingResource,
): Finding {
  const now = at.now.toISOString();
  return {
    id: createHash('sha256').update(d.fingerprint).digest('hex').slice(0, 32),
    accountId: at.accountId,
    type: 'NETWORK_REACHABILITY',
    title: d.title,
    description: d.description,
    status: 'ACTIVE',
    severity: d.severity,
    firstObservedAt: now,
    lastObservedAt: now,
    updatedAt: now,
    exploitAvailable: d.exploitAvailable,
    fixAvailable: d.fixAvailable,
    remediation: d.remediation,
    resources: [resource],
    networkReachabilityDetails: { ...d.networkReachabilityDetails, category: d.category },
  };
}

/** How old an analysis may get before the periodic job runs it again (issue 15: every 12 h). */
export const REANALYSIS_AGE_MS = 12 * 3600 * 1000;

/**
 * The periodic re-analysis: hosts analysed more than 12 h ago (a batch at a time), so a changed cloud
 * network or an expired assumption is seen even when no agent's facts moved. One host's failure (facts
 * an older server accepted that this one refuses) is reported and does not stop the others.
 */
export async function reanalyseDueHostNetworks(
  db: Kysely<ServiceDatabase>,
  now: Date,
  onError: (host: { accountId: string; resourceId: string }, err: unknown) => void,
  batch = 200,
): Promise<number> {
  const due = await hostsDueForAnalysis(db, new Date(now.getTime() - REANALYSIS_AGE_MS), batch);
  const clouds = new Map<string, CloudContext | null>();
  let done = 0;
  for (const h of due) {
    try {
      let cloud = clouds.get(h.accountId);
      if (cloud === undefined) clouds.set(h.accountId, (cloud = await cloudContextOf(db, h.accountId)));
      if (await analyseHostNetwork(db, { ...h, now }, cloud)) done++;
    } catch (err) {
      onError(h, err);
    }
  }
  return done;
}

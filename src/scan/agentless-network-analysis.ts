import type { Kysely } from 'kysely';
import { applyScanOfResourceIn } from '../findings/finding-lifecycle.js';
import type { AwsInstance } from '../network/cloud/aws-describe-schemas.js';
import type { AwsNetwork } from '../network/cloud/aws-network-model.js';
import { lockCoverage } from '../resources/coverage/coverage-store.js';
import {
  agentlessResourcesOf,
  keepAgentlessResource,
  retireAgentlessResource,
  type AgentlessInstance,
} from '../resources/network/agentless-instance-store.js';
import { hostForNetworkAnalysis, hostOfInstance } from '../resources/network/host-network-store.js';
import type { ServiceDatabase } from '../store/service-db-schema.js';
import {
  cloudContextOf,
  cloudDrafts,
  findingOf,
  REANALYSIS_AGE_MS,
  type CloudContext,
} from './network-analysis.js';

/**
 * Instances of the account's cloud network that no agent names get a HOST resource of their own (id:
 * the instance id) carrying their cloud NETWORK_REACHABILITY findings with no facts (the NO_AGENT
 * categories, as Inspector Classic did), through the same lifecycle as an agent's host. An instance
 * gone from the upload, or named by an agent since, has that resource retired as DELETE would.
 */

export interface AgentlessAnalysis {
  /** Instances with an agentless resource after this analysis, and their open findings' count. */
  analysed: Array<{ instanceId: string; findings: number }>;
  /** Agentless resources retired: the instance left the upload or an agent names it now. */
  retired: string[];
  /** Left alone: a live resource the upload did not create holds the id, or an agent named it meanwhile. */
  skipped: string[];
}

export async function analyseAgentlessInstances(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  now: Date,
  cloud?: CloudContext | null,
): Promise<AgentlessAnalysis> {
  const ctx = cloud === undefined ? await cloudContextOf(db, accountId) : cloud;
  const out: AgentlessAnalysis = { analysed: [], retired: [], skipped: [] };
  const unnamed: string[] = [];
  for (const instanceId of ctx ? [...ctx.net.instances.keys()].sort() : [])
    if (!(await hostOfInstance(db, accountId, instanceId))) unnamed.push(instanceId);
  const keep = new Set(unnamed);
  for (const r of await agentlessResourcesOf(db, accountId)) {
    if (keep.has(r.instanceId)) continue;
    const retired = await db
      .transaction()
      .execute((trx) => retireAgentlessResource(trx, accountId, r.instanceId, now));
    if (retired) out.retired.push(r.instanceId);
  }
  for (const instanceId of ctx ? unnamed : []) {
    const n = await analyseOne(db, accountId, instanceId, now, ctx as CloudContext);
    if (n === undefined) out.skipped.push(instanceId);
    else out.analysed.push({ instanceId, findings: n });
  }
  return out;
}

/** One instance in one transaction: its resource kept, its findings applied. Undefined: not ours (any more). */
async function analyseOne(
  db: Kysely<ServiceDatabase>,
  accountId: string,
  instanceId: string,
  now: Date,
  ctx: CloudContext,
): Promise<number | undefined> {
  const results = ctx.results.filter((r) => r.instanceId === instanceId);
  const drafts = cloudDrafts(ctx, results, undefined, instanceId);
  return db.transaction().execute(async (trx) => {
    await lockCoverage(trx, accountId, instanceId);
    // An agent that named the instance since the caller looked: its host carries the findings.
    if (await hostOfInstance(trx, accountId, instanceId)) return undefined;
    const kept = await keepAgentlessResource(trx, accountId, instanceOf(ctx.net, instanceId), now);
    if (kept === 'foreign') return undefined;
    const resource = await hostForNetworkAnalysis(trx, accountId, instanceId);
    const on = resource?.scanning === true;
    const findings = resource && on ? drafts.map((d) => findingOf(d, { accountId, now }, resource.view)) : [];
    await applyScanOfResourceIn(trx, {
      accountId,
      resourceId: instanceId,
      findings,
      now,
      findingTypes: ['NETWORK_REACHABILITY'],
    });
    return findings.length;
  });
}

/** What the upload says of the instance: its addresses (from its interfaces) and its tags. */
function instanceOf(net: AwsNetwork, instanceId: string): AgentlessInstance {
  const inst = net.instances.get(instanceId) as (AwsInstance & { Tags?: unknown }) | undefined;
  const priv = new Set<string>();
  const pub = new Set<string>();
  for (const eni of net.enis.values()) {
    if (eni.Attachment?.InstanceId !== instanceId) continue;
    if (eni.PrivateIpAddress) priv.add(eni.PrivateIpAddress);
    for (const a of eni.PrivateIpAddresses ?? []) {
      priv.add(a.PrivateIpAddress);
      if (a.Association?.PublicIp) pub.add(a.Association.PublicIp);
    }
    if (eni.Association?.PublicIp) pub.add(eni.Association.PublicIp);
    for (const a of eni.Ipv6Addresses ?? []) pub.add(a.Ipv6Address);
  }
  return {
    instanceId,
    privateIpAddresses: [...priv].sort(),
    publicIpAddresses: [...pub].sort(),
    tags: tagsOf(inst?.Tags),
  };
}

/**
 * describe-instances' `Tags: [{Key, Value}]`, when present. The shape check does not require them, so
 * entries that are not string pairs within AWS's own limits are skipped rather than refusing the upload.
 */
function tagsOf(raw: unknown): Record<string, string> {
  const tags: Record<string, string> = {};
  if (!Array.isArray(raw)) return tags;
  for (const t of raw as unknown[]) {
    const { Key: k, Value: v } = (t ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof k === 'string' && typeof v === 'string' && k.length >= 1 && k.length <= 128 && v.length <= 256)
      tags[k] = v;
  }
  return tags;
}

/**
 * The periodic pass: accounts with an agentless resource last analysed over 12 h ago are analysed
 * again (an exclusion tag, a switched-off account or a change of suppression rules is then seen).
 */
export async function reanalyseDueAgentlessInstances(
  db: Kysely<ServiceDatabase>,
  now: Date,
  onError: (at: { accountId: string }, err: unknown) => void,
): Promise<number> {
  const due = await agentlessResourcesOf(db, undefined, new Date(now.getTime() - REANALYSIS_AGE_MS));
  let done = 0;
  for (const accountId of new Set(due.map((d) => d.accountId))) {
    try {
      done += (await analyseAgentlessInstances(db, accountId, now)).analysed.length;
    } catch (err) {
      onError({ accountId }, err);
    }
  }
  return done;
}

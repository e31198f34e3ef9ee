import type { Transaction } from 'kysely';
import { cisOsSupported, osLabel } from '../../resources/coverage/coverage-decision.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { tagsMatch } from '../cis/cis-scan-config-input.js';

type Trx = Transaction<ServiceDatabase>;

export type ExclusionReason = 'NO_AGENT' | 'UNSUPPORTED_OS' | 'AGENT_OFFLINE';

/** Inspector Classic's Exclusion: a host the run could not assess, and why. */
export interface RunExclusion {
  resourceId: string;
  reason: ExclusionReason;
  message: string;
}

interface TargetHost {
  resourceId: string;
  hasAgent: boolean;
  offlineAt: string | null;
  os: { family?: unknown; version?: unknown } | null;
}

/** The live hosts of the account whose tags match the target's (every host when it names none). */
export async function classicTargetHosts(
  trx: Trx,
  accountId: string,
  resourceTags: Record<string, string[]>,
): Promise<TargetHost[]> {
  const rows = await trx
    .selectFrom('resources as r')
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'r.account_id').onRef('h.resource_id', '=', 'r.id'),
    )
    .select(['r.id', 'r.tags_json', 'r.details_json', 'h.machine_id', 'h.offline_at'])
    .where('r.account_id', '=', accountId)
    .where('r.type', '=', 'HOST')
    .where('r.deleted_at', 'is', null)
    .orderBy('r.id')
    .execute();
  return rows
    .filter((r) => tagsMatch(JSON.parse(r.tags_json) as Record<string, string>, resourceTags))
    .map((r) => ({
      resourceId: r.id,
      hasAgent: r.machine_id !== null,
      offlineAt: r.machine_id !== null ? (r.offline_at ?? null) : null,
      os: (JSON.parse(r.details_json) as { os?: TargetHost['os'] }).os ?? null,
    }));
}

/**
 * Why a host cannot give facts at the run's start (undefined: it can). The CIS scan the run starts
 * skips the same hosts; an agent that is late past the run's duration is excluded when it ends.
 */
export function exclusionAtStart(h: TargetHost, now: Date): RunExclusion | undefined {
  const { resourceId } = h;
  if (!h.hasAgent) return { resourceId, reason: 'NO_AGENT', message: 'no vigil agent reports this host' };
  if (!cisOsSupported(h.os))
    return { resourceId, reason: 'UNSUPPORTED_OS', message: `no benchmark for ${osLabel(h.os)}` };
  if (h.offlineAt !== null && Date.parse(h.offlineAt) <= now.getTime())
    return {
      resourceId,
      reason: 'AGENT_OFFLINE',
      message: `the agent has not checked in since it went offline at ${h.offlineAt}`,
    };
  return undefined;
}

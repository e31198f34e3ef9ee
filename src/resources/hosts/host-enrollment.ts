import type { Transaction } from 'kysely';
import { consumeEnrollmentToken } from '../../accounts/enrollment-tokens.js';
import { createHostKey, revokeHostKeys } from '../../accounts/host-keys.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { StoreContext } from '../../store/store-context.js';
import { isUniqueViolation } from '../../store/unique-violation.js';
import { lockCoverage, refreshCoverage } from '../coverage/coverage-store.js';
import { insertResource, replaceTags, resourceRow } from '../resource-store.js';
import { ResourceTypeMismatchError } from '../resource-type-mismatch-error.js';
import { afterIntervals } from './host-agent-store.js';

/** The OS an agent reports (the inventory's OsInfo fields it knows). */
export interface ReportedOs {
  id: string;
  versionId?: string;
  release?: string;
  codename?: string;
  prettyName?: string;
}

export interface EnrollRequest {
  token: string;
  machineId: string;
  hostname: string;
  agentVersion: string;
  os?: ReportedOs;
  ipAddresses?: readonly string[];
}

export interface Enrollment {
  /** Shown to the agent once; stored as its SHA-256 only. */
  hostKey: string;
  resourceId: string;
  accountId: string;
  checkinIntervalSeconds: number;
}

/** A host's OS as resource details hold it (DESIGN §3: family and version). */
export function osDetails(os: ReportedOs | undefined): { family: string; version: string | null } | null {
  return os ? { family: os.id, version: os.versionId ?? os.release ?? os.codename ?? null } : null;
}

/**
 * Trades an enrollment token for a host key, in ONE transaction (an invalid token writes nothing):
 * one use of the token is counted; the machine's HOST resource is found by (account, machine id) —
 * the same machine always gets the same resource, `host:<machineId>` when new, revived when it had
 * been deregistered — and gets the token's tags (added to the tags it has); its previous host keys
 * are revoked and a new one is made; its agent row starts a fresh wait for a full inventory.
 */
export async function enrollHost(
  ctx: StoreContext,
  e: EnrollRequest,
  intervalSeconds: number,
): Promise<Enrollment> {
  const once = (): Promise<Enrollment> =>
    ctx.db.transaction().execute((trx) => enrollIn(trx, e, ctx.now(), intervalSeconds));
  try {
    return await once();
  } catch (err) {
    // The same new machine enrolling twice at once: the loser runs again and finds the winner's host.
    if (!isUniqueViolation(err)) throw err;
    return once();
  }
}

async function enrollIn(
  trx: Transaction<ServiceDatabase>,
  e: EnrollRequest,
  now: Date,
  intervalSeconds: number,
): Promise<Enrollment> {
  const token = await consumeEnrollmentToken(trx, e.token, now);
  const accountId = token.accountId;
  const known = await trx
    .selectFrom('host_agents')
    .select('resource_id')
    .where('account_id', '=', accountId)
    .where('machine_id', '=', e.machineId)
    .executeTakeFirst();
  const resourceId = known?.resource_id ?? `host:${e.machineId}`;
  await lockCoverage(trx, accountId, resourceId);
  const row = await resourceRow(trx, accountId, resourceId);
  if (row && !row.deleted_at && row.type !== 'HOST')
    throw new ResourceTypeMismatchError(resourceId, row.type);
  await upsertAgent(trx, { ...e, accountId, resourceId, now, intervalSeconds });
  const details = {
    hostname: e.hostname,
    machineId: e.machineId,
    os: osDetails(e.os),
    ipAddresses: e.ipAddresses ?? [],
    agentVersion: e.agentVersion,
    inventorySource: 'agent',
  };
  const at = now.toISOString();
  if (!row || row.deleted_at) {
    const r = { accountId, id: resourceId, type: 'HOST' as const, tags: token.tags, details, now: at };
    await insertResource(trx, { ...r, reason: 'PENDING_INITIAL_SCAN' });
  } else {
    const merged = { ...(JSON.parse(row.details_json) as Record<string, unknown>), ...details };
    await trx
      .updateTable('resources')
      .set({ details_json: JSON.stringify(merged), updated_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', resourceId)
      .execute();
    const before = JSON.parse(row.tags_json) as Record<string, string>;
    const tags = { ...before, ...token.tags };
    if (JSON.stringify(tags) !== JSON.stringify(before))
      await replaceTags(trx, accountId, resourceId, tags, at);
    // Its agent is back (a host offline or stale shows its scan's outcome again).
    await refreshCoverage(trx, { accountId, resourceId, now });
  }
  await revokeHostKeys(trx, { accountId, resourceId, now });
  const key = await createHostKey(trx, { accountId, resourceId, enrollmentTokenId: token.id, now });
  return { hostKey: key.key, resourceId, accountId, checkinIntervalSeconds: intervalSeconds };
}

/** The host's agent row: created, or reset as a new enrollment of the same machine. */
async function upsertAgent(
  trx: Transaction<ServiceDatabase>,
  a: EnrollRequest & { accountId: string; resourceId: string; now: Date; intervalSeconds: number },
): Promise<void> {
  const at = a.now.toISOString();
  const due = afterIntervals(a.now, a.intervalSeconds);
  const fresh = {
    machine_id: a.machineId,
    hostname: a.hostname,
    ip_addresses_json: JSON.stringify(a.ipAddresses ?? []),
    agent_version: a.agentVersion,
    checkin_interval_seconds: a.intervalSeconds,
    enrolled_at: at,
    last_checkin_at: at,
    offline_at: due,
    // A new enrollment is asked for a full inventory (its state dir may be new).
    inventory_hash: null,
    inventory_wanted_since: at,
    stale_at: due,
  };
  await trx
    .insertInto('host_agents')
    .values({ ...fresh, account_id: a.accountId, resource_id: a.resourceId, last_inventory_at: null })
    .onConflict((oc) => oc.columns(['account_id', 'resource_id']).doUpdateSet(fresh))
    .execute();
}

import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { cisOsSupported, osLabel } from '../../resources/coverage/coverage-decision.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { configView, type CisScanConfiguration } from './cis-scan-configs.js';
import { tagsMatch } from './cis-scan-config-input.js';
import { nextRunAfter } from './cis-schedule.js';
import { settleCisScan } from './cis-scan-settle.js';

type Db = Kysely<ServiceDatabase>;
type Trx = Transaction<ServiceDatabase>;

export interface CisStartOptions {
  now: Date;
  /** How long a scan waits for its agents' facts (the agents are asked at their next check-in). */
  waitSeconds: number;
}

/**
 * Starts a scan for every configuration whose time has come, and plans its next one (a one-time
 * configuration has none). Each start claims its configuration by its planned time, so two schedulers
 * never start the same run twice. Returns the ids of the scans started.
 */
export async function startDueCisScans(db: Db, opts: CisStartOptions): Promise<string[]> {
  const at = opts.now.toISOString();
  const due = await db
    .selectFrom('cis_scan_configs')
    .selectAll()
    .where('next_run_at', '<=', at)
    .orderBy('next_run_at')
    .limit(100)
    .execute();
  const started: string[] = [];
  for (const row of due) {
    const id = await db.transaction().execute(async (trx) => {
      const config = configView(row);
      const claimed = await trx
        .updateTable('cis_scan_configs')
        .set({ next_run_at: nextRunAfter(config.schedule, opts.now) })
        .where('id', '=', row.id)
        .where('next_run_at', '=', row.next_run_at)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return undefined;
      return startCisScan(trx, config, opts);
    });
    if (id) started.push(id);
  }
  return started;
}

/** One scan of the configuration: its targets chosen now, each waiting for facts or skipped with why. */
export async function startCisScan(
  trx: Trx,
  config: CisScanConfiguration,
  opts: CisStartOptions,
): Promise<string> {
  const at = opts.now.toISOString();
  const id = `cisscan-${randomUUID()}`;
  await trx
    .insertInto('cis_scans')
    .values({
      id,
      account_id: config.accountId,
      config_id: config.scanConfigurationId,
      scan_name: config.scanName,
      security_level: config.securityLevel,
      status: 'IN_PROGRESS',
      status_reason: null,
      started_at: at,
      deadline_at: new Date(opts.now.getTime() + opts.waitSeconds * 1000).toISOString(),
      finished_at: null,
      total_checks: 0,
      failed_checks: 0,
    })
    .execute();
  const hosts = await targetHosts(trx, config);
  for (const h of hosts) {
    await trx
      .insertInto('cis_scan_targets')
      .values({
        scan_id: id,
        account_id: config.accountId,
        resource_account_id: h.accountId,
        resource_id: h.resourceId,
        ...targetState(h),
        results_json: null,
        facts_mode: null,
        updated_at: at,
      })
      .execute();
  }
  await settleCisScan(trx, id, opts.now);
  return id;
}

interface TargetHost {
  accountId: string;
  resourceId: string;
  hasAgent: boolean;
  os: { family?: unknown; version?: unknown } | null;
}

/** A host is asked for facts unless no agent reports it or no benchmark covers its OS. */
function targetState(h: TargetHost): { status: string; status_reason: string | null } {
  if (!cisOsSupported(h.os))
    return {
      status: 'SKIPPED',
      status_reason: `UNSUPPORTED_OS: no CIS benchmark for ${osLabel(h.os)}`,
    };
  if (!h.hasAgent)
    return { status: 'SKIPPED', status_reason: 'AGENT_OFFLINE: no vigil agent reports this host' };
  return { status: 'PENDING', status_reason: null };
}

/** The live hosts of the target accounts whose tags match. */
async function targetHosts(trx: Trx, config: CisScanConfiguration): Promise<TargetHost[]> {
  const { accountIds, targetResourceTags } = config.targets;
  if (accountIds.length === 0) return [];
  const rows = await trx
    .selectFrom('resources as r')
    .leftJoin('host_agents as h', (j) =>
      j.onRef('h.account_id', '=', 'r.account_id').onRef('h.resource_id', '=', 'r.id'),
    )
    .select(['r.account_id', 'r.id', 'r.tags_json', 'r.details_json', 'h.machine_id'])
    .where('r.account_id', 'in', accountIds)
    .where('r.type', '=', 'HOST')
    .where('r.deleted_at', 'is', null)
    .orderBy('r.account_id')
    .orderBy('r.id')
    .execute();
  return rows
    .filter((r) => tagsMatch(JSON.parse(r.tags_json) as Record<string, string>, targetResourceTags))
    .map((r) => ({
      accountId: r.account_id,
      resourceId: r.id,
      hasAgent: r.machine_id !== null,
      os: (JSON.parse(r.details_json) as { os?: TargetHost['os'] }).os ?? null,
    }));
}

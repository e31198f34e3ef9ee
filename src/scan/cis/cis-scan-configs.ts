import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { CisScanConfigTable } from '../../store/cis-schema.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { CisScanConfigInput, CisSecurityLevel, CisTargets } from './cis-scan-config-input.js';
import { nextRunAfter, type CisSchedule } from './cis-schedule.js';

type Db = Kysely<ServiceDatabase>;

/** Inspector v2's CisScanConfiguration, as the API shows it. */
export interface CisScanConfiguration {
  scanConfigurationId: string;
  accountId: string;
  scanName: string;
  securityLevel: CisSecurityLevel;
  schedule: CisSchedule;
  targets: CisTargets;
  /** When the scheduler starts its next scan; absent: none (a one-time scan that already ran). */
  nextRunAt?: string;
  createdAt: string;
  updatedAt: string;
}

export function configView(r: Selectable<CisScanConfigTable>): CisScanConfiguration {
  return {
    scanConfigurationId: r.id,
    accountId: r.account_id,
    scanName: r.scan_name,
    securityLevel: r.security_level as CisSecurityLevel,
    schedule: JSON.parse(r.schedule_json) as CisSchedule,
    targets: JSON.parse(r.targets_json) as CisTargets,
    ...(r.next_run_at ? { nextRunAt: r.next_run_at } : {}),
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

/** A one-time scan starts at the scheduler's next tick; a recurring one at its next occurrence. */
function firstRun(schedule: CisSchedule, now: Date): string | null {
  return 'oneTime' in schedule ? now.toISOString() : nextRunAfter(schedule, now);
}

export async function createCisScanConfig(
  db: Db,
  accountId: string,
  input: CisScanConfigInput,
  now: Date,
): Promise<CisScanConfiguration> {
  const at = now.toISOString();
  const row = {
    id: `cisconf-${randomUUID()}`,
    account_id: accountId,
    scan_name: input.scanName,
    security_level: input.securityLevel,
    schedule_json: JSON.stringify(input.schedule),
    targets_json: JSON.stringify(input.targets),
    next_run_at: firstRun(input.schedule, now),
    created_at: at,
    updated_at: at,
  };
  await db.insertInto('cis_scan_configs').values(row).execute();
  return configView(row);
}

export async function listCisScanConfigs(db: Db, accountId: string): Promise<CisScanConfiguration[]> {
  const rows = await db
    .selectFrom('cis_scan_configs')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('created_at')
    .orderBy('id')
    .execute();
  return rows.map(configView);
}

export async function getCisScanConfig(
  db: Db,
  accountId: string,
  id: string,
): Promise<CisScanConfiguration | undefined> {
  const r = await db
    .selectFrom('cis_scan_configs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r ? configView(r) : undefined;
}

/** Replaces the configuration; a changed schedule is planned again from now. Undefined: no such one. */
export async function updateCisScanConfig(
  db: Db,
  accountId: string,
  id: string,
  input: CisScanConfigInput,
  now: Date,
): Promise<CisScanConfiguration | undefined> {
  const old = await getCisScanConfig(db, accountId, id);
  if (!old) return undefined;
  const sameSchedule = JSON.stringify(old.schedule) === JSON.stringify(input.schedule);
  const next = sameSchedule ? (old.nextRunAt ?? null) : firstRun(input.schedule, now);
  await db
    .updateTable('cis_scan_configs')
    .set({
      scan_name: input.scanName,
      security_level: input.securityLevel,
      schedule_json: JSON.stringify(input.schedule),
      targets_json: JSON.stringify(input.targets),
      next_run_at: next,
      updated_at: now.toISOString(),
    })
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .execute();
  return getCisScanConfig(db, accountId, id);
}

/** Deletes the configuration; its scans stay (with no configuration). False: no such one. */
export async function deleteCisScanConfig(db: Db, accountId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .deleteFrom('cis_scan_configs')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    if (r.numDeletedRows === 0n) return false;
    await trx.updateTable('cis_scans').set({ config_id: null }).where('config_id', '=', id).execute();
    return true;
  });
}

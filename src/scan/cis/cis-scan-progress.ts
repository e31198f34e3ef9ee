import type { Kysely } from 'kysely';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { settleCisScan } from './cis-scan-settle.js';

type Db = Kysely<ServiceDatabase>;

/**
 * Scans past their deadline: every host still waiting for its agent FAILS ("no facts from the agent"),
 * and the scan is finished with what arrived (once the evaluations queued for facts in are done). Returns how many scans were finished.
 */
export async function expireCisScans(db: Db, now: Date): Promise<number> {
  const at = now.toISOString();
  const late = await db
    .selectFrom('cis_scans')
    .select(['id', 'deadline_at'])
    .where('status', '=', 'IN_PROGRESS')
    .where('deadline_at', '<=', at)
    .limit(100)
    .execute();
  for (const s of late) {
    await db.transaction().execute(async (trx) => {
      await trx
        .updateTable('cis_scan_targets')
        .set({
          status: 'FAILED',
          status_reason: `AGENT_OFFLINE: no facts from the agent by ${s.deadline_at}`,
          updated_at: at,
        })
        .where('scan_id', '=', s.id)
        .where('status', '=', 'PENDING')
        // Facts in, a worker's evaluation queued (queue mode): not offline; the job settles the scan.
        .where('facts_received_at', 'is', null)
        .execute();
      await settleCisScan(trx, s.id, now);
    });
  }
  return late.length;
}

/** Cancels a scan in progress: hosts still waiting are skipped. False: no such scan, or already finished. */
export async function cancelCisScan(db: Db, accountId: string, scanId: string, now: Date): Promise<boolean> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const r = await trx
      .updateTable('cis_scans')
      .set({ status: 'CANCELLED', status_reason: 'cancelled by a user', finished_at: at })
      .where('account_id', '=', accountId)
      .where('id', '=', scanId)
      .where('status', '=', 'IN_PROGRESS')
      .executeTakeFirst();
    if (r.numUpdatedRows === 0n) return false;
    await trx
      .updateTable('cis_scan_targets')
      .set({ status: 'SKIPPED', status_reason: 'the scan was cancelled', updated_at: at })
      .where('scan_id', '=', scanId)
      .where('status', '=', 'PENDING')
      .execute();
    return true;
  });
}

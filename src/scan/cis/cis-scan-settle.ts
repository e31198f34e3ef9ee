import type { Transaction } from 'kysely';
import type { CheckResult } from '../../checks/model/check-result.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';

type Trx = Transaction<ServiceDatabase>;

/**
 * Finishes an IN_PROGRESS scan once no target waits: COMPLETED when some host was assessed or none
 * was targeted, FAILED when every host failed or was skipped. `totalChecks` counts the distinct checks
 * evaluated, `failedChecks` those that failed on at least one host (Inspector's CisScan counts).
 */
export async function settleCisScan(trx: Trx, scanId: string, now: Date): Promise<void> {
  const scan = await trx
    .selectFrom('cis_scans')
    .select(['status'])
    .where('id', '=', scanId)
    .executeTakeFirst();
  if (scan?.status !== 'IN_PROGRESS') return;
  const targets = await trx
    .selectFrom('cis_scan_targets')
    .select(['status', 'results_json'])
    .where('scan_id', '=', scanId)
    .execute();
  if (targets.some((t) => t.status === 'PENDING')) return;
  const checks = new Map<string, boolean>();
  for (const t of targets) {
    if (t.results_json === null) continue;
    for (const r of JSON.parse(t.results_json) as CheckResult[])
      checks.set(r.checkId, (checks.get(r.checkId) ?? false) || r.status === 'FAILED');
  }
  const assessed = targets.filter((t) => t.status === 'COMPLETED').length;
  const failed = targets.length > 0 && assessed === 0;
  const reason =
    targets.length === 0
      ? 'no host matched the targets'
      : failed
        ? 'no target host could be assessed'
        : `${assessed} of ${targets.length} target hosts assessed`;
  await trx
    .updateTable('cis_scans')
    .set({
      status: failed ? 'FAILED' : 'COMPLETED',
      status_reason: reason,
      finished_at: now.toISOString(),
      total_checks: checks.size,
      failed_checks: [...checks.values()].filter(Boolean).length,
    })
    .where('id', '=', scanId)
    .where('status', '=', 'IN_PROGRESS')
    .execute();
}

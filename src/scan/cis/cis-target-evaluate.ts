import type { Kysely } from 'kysely';
import { validateFacts } from '../../checks/assess-root.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { assessedTargetRow, type CisTargetRef } from './cis-facts-intake.js';
import { settleCisScan } from './cis-scan-settle.js';

type Db = Kysely<ServiceDatabase>;
/** One target of a scan: what a `cis-evaluate` job names. */
export type CisTargetKey = Pick<CisTargetRef, 'scanId' | 'resourceAccountId' | 'resourceId'>;

/**
 * Queue mode's half of a CIS scan (the worker's `cis-evaluate` job, jobs/queue-jobs.ts): the api
 * stored an agent's facts and marked the targets waiting for them (cis-facts-intake.ts, `defer`);
 * here each target is assessed from the stored facts and its scan settled.
 */

/** Targets whose facts are in and wait for a worker, oldest first: what the queue feeder sends. */
export async function cisTargetsAwaitingEvaluation(db: Db, limit: number): Promise<CisTargetRef[]> {
  const rows = await db
    .selectFrom('cis_scan_targets')
    .select(['scan_id', 'account_id', 'resource_account_id', 'resource_id'])
    .where('status', '=', 'PENDING')
    .where('facts_received_at', 'is not', null)
    .orderBy('facts_received_at')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    scanId: r.scan_id,
    accountId: r.account_id,
    resourceAccountId: r.resource_account_id,
    resourceId: r.resource_id,
  }));
}

const ofTarget = (t: CisTargetKey) => ({
  scan_id: t.scanId,
  resource_account_id: t.resourceAccountId,
  resource_id: t.resourceId,
});

/**
 * Assesses one target from its host's stored facts. The claim is the target's state: the row is
 * written only while it is PENDING with its facts in, so a repeat (or a second worker that evaluated
 * the same facts at once) writes nothing: `repeat`. `released`: the stop signal came before the write
 * (nothing was written; the job goes to another worker). Facts that cannot be read or assessed throw:
 * the job's retries, then its dead letter (the caller fails the target on the last attempt).
 */
export async function evaluateCisTarget(
  db: Db,
  target: CisTargetKey,
  now: Date,
  stop?: AbortSignal,
): Promise<'evaluated' | 'repeat' | 'released'> {
  const key = ofTarget(target);
  const waiting = await db
    .selectFrom('cis_scan_targets as t')
    .innerJoin('cis_scans as s', 's.id', 't.scan_id')
    .leftJoin('host_assessment_facts as f', (j) =>
      j.onRef('f.account_id', '=', 't.resource_account_id').onRef('f.resource_id', '=', 't.resource_id'),
    )
    .select(['s.security_level', 'f.facts_json'])
    .where('t.scan_id', '=', key.scan_id)
    .where('t.resource_account_id', '=', key.resource_account_id)
    .where('t.resource_id', '=', key.resource_id)
    .where('t.status', '=', 'PENDING')
    .where('t.facts_received_at', 'is not', null)
    .executeTakeFirst();
  if (!waiting) return 'repeat';
  if (stop?.aborted) return 'released';
  const at = now.toISOString();
  // The host's facts row is only ever replaced by newer facts, never deleted with the host still in a
  // scan; a missing one is a poison job like unreadable facts.
  const facts = validateFacts(JSON.parse(waiting.facts_json ?? 'null') as unknown);
  const row = assessedTargetRow(facts, waiting.security_level, at);
  if (stop?.aborted) return 'released';
  return db.transaction().execute(async (trx) => {
    const written = await trx
      .updateTable('cis_scan_targets')
      .set(row)
      .where('scan_id', '=', key.scan_id)
      .where('resource_account_id', '=', key.resource_account_id)
      .where('resource_id', '=', key.resource_id)
      .where('status', '=', 'PENDING')
      .where('facts_received_at', 'is not', null)
      .executeTakeFirst();
    if (written.numUpdatedRows === 0n) return 'repeat';
    await settleCisScan(trx, target.scanId, now);
    return 'evaluated';
  });
}

/**
 * A target whose facts failed every attempt (poison: the job is dead-lettered): it ends FAILED with the
 * reason, and its scan finishes with the other hosts, so nothing waits on it any more.
 */
export async function failCisTargetEvaluation(
  db: Db,
  target: CisTargetKey,
  reason: string,
  now: Date,
): Promise<void> {
  const key = ofTarget(target);
  await db.transaction().execute(async (trx) => {
    await trx
      .updateTable('cis_scan_targets')
      .set({ status: 'FAILED', status_reason: reason.slice(0, 1000), updated_at: now.toISOString() })
      .where('scan_id', '=', key.scan_id)
      .where('resource_account_id', '=', key.resource_account_id)
      .where('resource_id', '=', key.resource_id)
      .where('status', '=', 'PENDING')
      .execute();
    await settleCisScan(trx, target.scanId, now);
  });
}

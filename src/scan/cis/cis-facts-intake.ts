import type { Kysely } from 'kysely';
import { assessFacts, validateFacts } from '../../checks/assess-root.js';
import type { AssessmentFacts } from '../../checks/facts/fact-model.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { AssessmentFactsTooLargeError } from './assessment-facts-too-large-error.js';
import { settleCisScan } from './cis-scan-settle.js';

type Db = Kysely<ServiceDatabase>;

/** The one benchmark and profile CIS scans use (Inspector's CIS scans are server benchmarks). */
export const CIS_BENCHMARK = 'cis-debian12';
export const CIS_PROFILE = 'server';
/** A Level 2 server facts document is about 300 KiB on a minbase root; 8 MiB leaves room for big hosts. */
export const MAX_ASSESSMENT_FACTS_BYTES = 8 * 1024 * 1024;

/** What a check-in answer asks of an agent: the facts this benchmark, level and profile need. */
export interface AssessmentRequest {
  benchmark: string;
  level: 1 | 2;
  profile: string;
  /** Also wanted in the same document: best practices, which Classic runs evaluate from these facts. */
  alsoBenchmarks: string[];
}

/** A dozen more facts than CIS Level 1 reads (NX, system directories, three sshd options). */
const ALSO = ['security-best-practices'];

const levelOf = (securityLevel: string): 1 | 2 => (securityLevel === 'LEVEL_2' ? 2 : 1);

/** The request for a security level (the key lookup of a check-in reads the level some scan waits on). */
export function assessmentRequestFor(securityLevel: string | undefined): AssessmentRequest | undefined {
  if (securityLevel === undefined) return undefined;
  return {
    benchmark: CIS_BENCHMARK,
    level: levelOf(securityLevel),
    profile: CIS_PROFILE,
    alsoBenchmarks: ALSO,
  };
}

/** The request for a host some scan waits on (the highest level asked: its facts serve both); else undefined. */
export async function pendingAssessment(
  db: Db,
  host: { accountId: string; resourceId: string },
): Promise<AssessmentRequest | undefined> {
  const rows = await db
    .selectFrom('cis_scan_targets as t')
    .innerJoin('cis_scans as s', 's.id', 't.scan_id')
    .select('s.security_level')
    .where('t.resource_account_id', '=', host.accountId)
    .where('t.resource_id', '=', host.resourceId)
    .where('t.status', '=', 'PENDING')
    // Facts in, waiting for a worker (queue mode): the agent need not send them again.
    .where('t.facts_received_at', 'is', null)
    .where('s.status', '=', 'IN_PROGRESS')
    .execute();
  if (rows.length === 0) return undefined;
  const level = rows.some((r) => r.security_level === 'LEVEL_2') ? 2 : 1;
  return { benchmark: CIS_BENCHMARK, level, profile: CIS_PROFILE, alsoBenchmarks: ALSO };
}

/**
 * Reads facts an agent sent, before anything of its check-in is written: over 8 MiB of JSON is
 * ASSESSMENT_FACTS_TOO_LARGE (413), a wrong shape ASSESSMENT_FACTS_INVALID naming each path (400).
 */
export function readCheckinAssessmentFacts(value: unknown): { facts: AssessmentFacts; json: string } {
  const json = JSON.stringify(value);
  if (Buffer.byteLength(json) > MAX_ASSESSMENT_FACTS_BYTES)
    throw new AssessmentFactsTooLargeError(Buffer.byteLength(json), MAX_ASSESSMENT_FACTS_BYTES);
  return { facts: validateFacts(value), json };
}

/** A target some scan waits on with these facts: the scan's account owns the job of its evaluation. */
export interface CisTargetRef {
  scanId: string;
  /** The scan's account. */
  accountId: string;
  resourceAccountId: string;
  resourceId: string;
}

/**
 * What a target's row becomes once its facts are assessed, with the same evaluator as `vigil assess`
 * at the scan's own level: one function for the check-in (embedded) and the worker (queue mode).
 */
export function assessedTargetRow(facts: AssessmentFacts, securityLevel: string, at: string) {
  const result = assessFacts(facts, {
    benchmark: CIS_BENCHMARK,
    level: levelOf(securityLevel),
    profile: CIS_PROFILE,
  });
  return {
    status: 'COMPLETED',
    status_reason: `assessed from the agent's facts (${facts.target.mode}: ${facts.target.description})`,
    results_json: JSON.stringify(result.results),
    facts_mode: facts.target.mode,
    updated_at: at,
  };
}

/**
 * Keeps the host's latest facts and assesses every scan that waits for them; a scan whose last target
 * this was is finished. `defer` (queue mode): the targets are only marked as having their facts, and
 * a worker's `cis-evaluate` job assesses each (an 8 MiB document is CPU the api should not spend).
 * Returns the targets that took the facts (deferred: the jobs to send).
 */
export async function receiveAssessmentFacts(
  db: Db,
  host: { accountId: string; resourceId: string },
  read: { facts: AssessmentFacts; json: string },
  now: Date,
  opts: { defer?: boolean } = {},
): Promise<CisTargetRef[]> {
  const at = now.toISOString();
  return db.transaction().execute(async (trx) => {
    const row = {
      account_id: host.accountId,
      resource_id: host.resourceId,
      facts_json: read.json,
      target_mode: read.facts.target.mode,
      received_at: at,
    };
    await trx
      .insertInto('host_assessment_facts')
      .values(row)
      .onConflict((oc) =>
        oc.columns(['account_id', 'resource_id']).doUpdateSet({
          facts_json: row.facts_json,
          target_mode: row.target_mode,
          received_at: at,
        }),
      )
      .execute();
    const waiting = await trx
      .selectFrom('cis_scan_targets as t')
      .innerJoin('cis_scans as s', 's.id', 't.scan_id')
      .select(['t.scan_id', 't.account_id', 's.security_level'])
      .where('t.resource_account_id', '=', host.accountId)
      .where('t.resource_id', '=', host.resourceId)
      .where('t.status', '=', 'PENDING')
      .where('s.status', '=', 'IN_PROGRESS')
      .execute();
    for (const w of waiting) {
      const update = opts.defer
        ? { facts_received_at: at, updated_at: at }
        : assessedTargetRow(read.facts, w.security_level, at);
      await trx
        .updateTable('cis_scan_targets')
        .set(update)
        .where('scan_id', '=', w.scan_id)
        .where('resource_account_id', '=', host.accountId)
        .where('resource_id', '=', host.resourceId)
        .execute();
      if (!opts.defer) await settleCisScan(trx, w.scan_id, now);
    }
    return waiting.map((w) => ({
      scanId: w.scan_id,
      accountId: w.account_id,
      resourceAccountId: host.accountId,
      resourceId: host.resourceId,
    }));
  });
}

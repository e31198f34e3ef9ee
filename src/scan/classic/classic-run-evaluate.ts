import type { Kysely, Transaction } from 'kysely';
import { assessFacts } from '../../checks/assess-root.js';
import type { CheckResult } from '../../checks/model/check-result.js';
import { appendEvents } from '../../events/event-outbox.js';
import type { OutboxEvent } from '../../events/event-types.js';
import { applyScanOfResourceIn } from '../../findings/finding-lifecycle.js';
import type { Finding, FindingType } from '../../findings/finding-types.js';
import type { AssessmentRunTable } from '../../store/classic-schema.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { RulesPackage } from './classic-input.js';
import { configurationFinding, type RunContext } from './classic-findings.js';
import type { RunExclusion } from './classic-hosts.js';
import { needsFacts } from './classic-run-start.js';
import type { AssessmentTemplate } from './classic-store.js';

type Db = Kysely<ServiceDatabase>;
type Trx = Transaction<ServiceDatabase>;

/** What a run reports per rules package: how many findings, and which (stored finding ids). */
export type PackageResults = Partial<Record<RulesPackage, { findingCount: number; findingIds: string[] }>>;

/**
 * Runs whose facts are in (their CIS scan finished: every agent answered, or the duration ran out)
 * and runs that need no facts are evaluated: EVALUATING_RULES, then COMPLETED or FAILED, each in one
 * transaction with its findings and events. Returns the ids of the runs finished.
 */
export async function evaluateReadyClassicRuns(db: Db, now: Date): Promise<string[]> {
  const done: string[] = [];
  for (const { id } of await readyClassicRuns(db, 20))
    if (await evaluateClassicRun(db, id, now)) done.push(id);
  return done;
}

/** The runs ready to evaluate, oldest first (what the queue feeder sends as jobs). */
export async function readyClassicRuns(
  db: Db,
  limit: number,
): Promise<Array<{ id: string; account_id: string }>> {
  return db
    .selectFrom('assessment_runs as r')
    .leftJoin('cis_scans as s', 's.id', 'r.cis_scan_id')
    .select(['r.id', 'r.account_id'])
    .where((eb) =>
      eb.or([
        eb('r.state', '=', 'CREATED'),
        eb.and([eb('r.state', '=', 'COLLECTING_DATA'), eb('s.status', '!=', 'IN_PROGRESS')]),
      ]),
    )
    .orderBy('r.created_at')
    .limit(limit)
    .execute();
}

/** Evaluates one run if it still waits for that (a repeat finds it evaluated: false, nothing written). */
export async function evaluateClassicRun(db: Db, id: string, now: Date): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const run = await trx
      .selectFrom('assessment_runs')
      .selectAll()
      .where('id', '=', id)
      .where('state', 'in', ['CREATED', 'COLLECTING_DATA'])
      .executeTakeFirst();
    if (!run) return false;
    await evaluateRun(trx, run, now);
    return true;
  });
}

interface Target {
  resourceId: string;
  status: string;
  results: CheckResult[];
}

async function evaluateRun(trx: Trx, run: AssessmentRunTable, now: Date): Promise<void> {
  const at = now.toISOString();
  const template = JSON.parse(run.template_json) as AssessmentTemplate;
  const hosts = JSON.parse(run.resource_ids_json) as string[];
  const exclusions = JSON.parse(run.exclusions_json) as RunExclusion[];
  const targets = run.cis_scan_id ? await scanTargets(trx, run.cis_scan_id) : [];
  for (const t of targets)
    if (t.status === 'FAILED' && !exclusions.some((e) => e.resourceId === t.resourceId))
      exclusions.push({
        resourceId: t.resourceId,
        reason: 'AGENT_OFFLINE',
        message: `the agent sent no facts within the run's ${template.durationInSeconds} seconds`,
      });
  const packages: PackageResults = {};
  const reported: Finding[] = [];
  for (const p of template.rulesPackages) packages[p] = { findingCount: 0, findingIds: [] };
  for (const t of targets.filter((x) => x.status === 'COMPLETED')) {
    const ctx: RunContext = {
      accountId: run.account_id,
      resourceId: t.resourceId,
      assessmentRunId: run.id,
      assessmentTemplateId: template.assessmentTemplateId,
      userAttributes: template.userAttributes,
    };
    const found = await failedRules(trx, template, t, ctx);
    const changes = await applyScanOfResourceIn(trx, {
      accountId: run.account_id,
      resourceId: t.resourceId,
      findings: found,
      now,
      findingTypes: ['CONFIGURATION'],
      // A package the template does not run says nothing about its findings: they stay as they are.
      speaksFor: (stored) => {
        const p = stored.configurationDetails?.rulesPackage;
        return p === undefined || template.rulesPackages.includes(p);
      },
    });
    for (const f of [...changes.created, ...changes.updated, ...changes.observed]) {
      const p = packages[f.configurationDetails?.rulesPackage ?? 'CIS'];
      p?.findingIds.push(f.id);
      reported.push(f);
    }
  }
  for (const [p, type] of [
    ['CVE', 'PACKAGE_VULNERABILITY'],
    ['NETWORK_REACHABILITY', 'NETWORK_REACHABILITY'],
  ] as const)
    if (packages[p]) packages[p].findingIds = await openFindingIds(trx, run.account_id, hosts, type);
  for (const v of Object.values(packages)) v.findingCount = v.findingIds.length;
  const assessed = targets.filter((t) => t.status === 'COMPLETED').length;
  const reason = failureOf(template, hosts.length, assessed, run.state_reason);
  const changes = JSON.parse(run.state_changes_json) as Array<{ state: string; at: string }>;
  changes.push({ state: 'EVALUATING_RULES', at }, { state: reason ? 'FAILED' : 'COMPLETED', at });
  await trx
    .updateTable('assessment_runs')
    .set({
      state: reason ? 'FAILED' : 'COMPLETED',
      state_reason: reason ?? `${hosts.length - exclusions.length} of ${hosts.length} hosts assessed`,
      state_changes_json: JSON.stringify(changes),
      exclusions_json: JSON.stringify(exclusions),
      packages_json: JSON.stringify(packages),
      completed_at: at,
    })
    .where('id', '=', run.id)
    .execute();
  await appendEvents(trx, runEvents(run, template, packages, reported, reason), at);
}

/** Why the run failed, or undefined: no host in the target, or rules needed facts and none came. */
function failureOf(
  t: AssessmentTemplate,
  hosts: number,
  assessed: number,
  startReason: string | null,
): string | undefined {
  if (startReason) return startReason;
  if (hosts === 0) return 'no host matched the assessment target';
  const reports = t.rulesPackages.some((p) => p === 'CVE' || p === 'NETWORK_REACHABILITY');
  if (needsFacts(t) && assessed === 0 && !reports)
    return 'no host of the target could be assessed (see the exclusions)';
  return undefined;
}

async function scanTargets(trx: Trx, scanId: string): Promise<Target[]> {
  const rows = await trx
    .selectFrom('cis_scan_targets')
    .select(['resource_id', 'status', 'results_json'])
    .where('scan_id', '=', scanId)
    .orderBy('resource_id')
    .execute();
  return rows.map((r) => ({
    resourceId: r.resource_id,
    status: r.status,
    results: r.results_json ? (JSON.parse(r.results_json) as CheckResult[]) : [],
  }));
}

/** CIS failures from the scan's own assessment; best practices from the same facts the agent sent. */
async function failedRules(
  trx: Trx,
  template: AssessmentTemplate,
  t: Target,
  ctx: RunContext,
): Promise<Finding[]> {
  const out: Finding[] = [];
  if (template.rulesPackages.includes('CIS'))
    for (const r of t.results) if (r.status === 'FAILED') out.push(configurationFinding(r, 'CIS', ctx));
  if (template.rulesPackages.includes('SECURITY_BEST_PRACTICES')) {
    const facts = await trx
      .selectFrom('host_assessment_facts')
      .select('facts_json')
      .where('account_id', '=', ctx.accountId)
      .where('resource_id', '=', t.resourceId)
      .executeTakeFirst();
    if (facts) {
      const result = assessFacts(JSON.parse(facts.facts_json), {
        benchmark: 'security-best-practices',
        level: 1,
        profile: 'server',
      });
      for (const r of result.results)
        if (r.status === 'FAILED') out.push(configurationFinding(r, 'SECURITY_BEST_PRACTICES', ctx));
    }
  }
  return out;
}

/** The open findings of a type the target's hosts already have (the CVE and network packages report them). */
async function openFindingIds(
  trx: Trx,
  accountId: string,
  hosts: string[],
  type: FindingType,
): Promise<string[]> {
  if (hosts.length === 0) return [];
  const rows = await trx
    .selectFrom('findings')
    .select('id')
    .where('account_id', '=', accountId)
    .where('resource_id', 'in', hosts)
    .where('type', '=', type)
    .where('status', '=', 'ACTIVE')
    .orderBy('id')
    .execute();
  return rows.map((r) => r.id);
}

function runEvents(
  run: AssessmentRunTable,
  t: AssessmentTemplate,
  packages: PackageResults,
  reported: Finding[],
  failure: string | undefined,
): OutboxEvent[] {
  const events: OutboxEvent[] = [];
  const base = { assessmentRunId: run.id, assessmentTemplateId: t.assessmentTemplateId };
  if (t.eventSubscriptions.includes('FINDING_REPORTED'))
    for (const f of reported)
      if (f.status === 'ACTIVE')
        events.push({
          type: 'vigil.assessment-run.finding-reported',
          accountId: run.account_id,
          subject: f.id,
          data: { ...base, finding: f },
        });
  if (t.eventSubscriptions.includes('ASSESSMENT_RUN_COMPLETED'))
    events.push({
      type: 'vigil.assessment-run.completed',
      accountId: run.account_id,
      subject: run.id,
      data: {
        ...base,
        state: failure ? 'FAILED' : 'COMPLETED',
        findingCounts: Object.fromEntries(Object.entries(packages).map(([k, v]) => [k, v.findingCount])),
      },
    });
  return events;
}

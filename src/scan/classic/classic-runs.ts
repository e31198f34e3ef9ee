import type { Kysely, Selectable } from 'kysely';
import type { AssessmentRunTable } from '../../store/classic-schema.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import type { RunExclusion } from './classic-hosts.js';
import type { PackageResults } from './classic-run-evaluate.js';
import type { AssessmentTemplate } from './classic-store.js';

type Db = Kysely<ServiceDatabase>;

/** Inspector Classic's AssessmentRun, as the API shows it. */
export interface AssessmentRun {
  assessmentRunId: string;
  accountId: string;
  assessmentTemplateId: string;
  name: string;
  state: string;
  stateReason?: string;
  trigger: string;
  rulesPackages: string[];
  durationInSeconds: number;
  userAttributesForFindings: Array<{ key: string; value: string }>;
  stateChanges: Array<{ state: string; at: string }>;
  /** The CIS scan that gathered the facts (GET …/cis-scans/{id} shows it per host). */
  cisScanId?: string;
  resourceIds: string[];
  exclusions: RunExclusion[];
  /** Per rules package, once evaluated: finding count and ids (CVE, network: the hosts' own findings). */
  packages?: PackageResults;
  createdAt: string;
  completedAt?: string;
}

export function runView(r: Selectable<AssessmentRunTable>): AssessmentRun {
  const t = JSON.parse(r.template_json) as AssessmentTemplate;
  return {
    assessmentRunId: r.id,
    accountId: r.account_id,
    assessmentTemplateId: r.template_id,
    name: r.name,
    state: r.state,
    ...(r.state_reason ? { stateReason: r.state_reason } : {}),
    trigger: r.trigger,
    rulesPackages: t.rulesPackages,
    durationInSeconds: t.durationInSeconds,
    userAttributesForFindings: t.userAttributes,
    stateChanges: JSON.parse(r.state_changes_json) as AssessmentRun['stateChanges'],
    ...(r.cis_scan_id ? { cisScanId: r.cis_scan_id } : {}),
    resourceIds: JSON.parse(r.resource_ids_json) as string[],
    exclusions: JSON.parse(r.exclusions_json) as RunExclusion[],
    ...(r.packages_json ? { packages: JSON.parse(r.packages_json) as PackageResults } : {}),
    createdAt: r.created_at,
    ...(r.completed_at ? { completedAt: r.completed_at } : {}),
  };
}

export async function listRuns(db: Db, accountId: string, templateId?: string): Promise<AssessmentRun[]> {
  let q = db.selectFrom('assessment_runs').selectAll().where('account_id', '=', accountId);
  if (templateId) q = q.where('template_id', '=', templateId);
  const rows = await q.orderBy('created_at', 'desc').orderBy('id').limit(500).execute();
  return rows.map(runView);
}

export async function getRun(db: Db, accountId: string, id: string): Promise<AssessmentRun | undefined> {
  const r = await db
    .selectFrom('assessment_runs')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && runView(r);
}

import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { appendEvents } from '../../events/event-outbox.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { startCisScan } from '../cis/cis-scan-start.js';
import { nextFiring } from './classic-input.js';
import { classicTargetHosts, exclusionAtStart } from './classic-hosts.js';
import { templateView, type AssessmentTemplate } from './classic-store.js';

type Db = Kysely<ServiceDatabase>;
type Trx = Transaction<ServiceDatabase>;

export type RunTrigger = 'MANUAL' | 'SCHEDULE';

/** The packages whose rules read the hosts' facts (the others report findings the host already has). */
export const needsFacts = (t: Pick<AssessmentTemplate, 'rulesPackages'>): boolean =>
  t.rulesPackages.includes('CIS') || t.rulesPackages.includes('SECURITY_BEST_PRACTICES');

/**
 * Starts a run of the template: CREATED, then COLLECTING_DATA while a CIS scan (the one facts-on-request
 * mechanism, scan/cis) asks the target's agents for their facts for `durationInSeconds`. A template
 * without CIS or best-practice rules needs no facts: its run waits for the scheduler's next evaluation.
 */
export async function startClassicRun(
  trx: Trx,
  template: AssessmentTemplate,
  trigger: RunTrigger,
  now: Date,
): Promise<string> {
  const at = now.toISOString();
  const id = `arun-${randomUUID()}`;
  const target = await trx
    .selectFrom('assessment_targets')
    .select('resource_tags_json')
    .where('account_id', '=', template.accountId)
    .where('id', '=', template.assessmentTargetId)
    .executeTakeFirst();
  const tags = target ? (JSON.parse(target.resource_tags_json) as Record<string, string[]>) : {};
  const hosts = target ? await classicTargetHosts(trx, template.accountId, tags) : [];
  const facts = needsFacts(template);
  const exclusions = facts ? hosts.flatMap((h) => exclusionAtStart(h, now) ?? []) : [];
  const changes = [{ state: 'CREATED', at }];
  let cisScanId: string | null = null;
  if (target && facts && hosts.length > exclusions.length) {
    cisScanId = await startCisScan(
      trx,
      {
        scanConfigurationId: id,
        accountId: template.accountId,
        scanName: `classic: ${template.name}`,
        securityLevel: 'LEVEL_1',
        schedule: { oneTime: {} },
        targets: { accountIds: [template.accountId], targetResourceTags: tags },
        createdAt: at,
        updatedAt: at,
      },
      { now, waitSeconds: template.durationInSeconds },
    );
    changes.push({ state: 'COLLECTING_DATA', at });
  }
  await trx
    .insertInto('assessment_runs')
    .values({
      id,
      account_id: template.accountId,
      template_id: template.assessmentTemplateId,
      name: `${template.name} ${at}`,
      template_json: JSON.stringify(template),
      resource_ids_json: JSON.stringify(hosts.map((h) => h.resourceId)),
      state: changes.at(-1)?.state ?? 'CREATED',
      state_reason: target ? null : `the assessment target ${template.assessmentTargetId} no longer exists`,
      trigger,
      cis_scan_id: cisScanId,
      state_changes_json: JSON.stringify(changes),
      exclusions_json: JSON.stringify(exclusions),
      packages_json: null,
      created_at: at,
      completed_at: null,
    })
    .execute();
  if (template.eventSubscriptions.includes('ASSESSMENT_RUN_STARTED'))
    await appendEvents(
      trx,
      [
        {
          type: 'vigil.assessment-run.started',
          accountId: template.accountId,
          subject: id,
          data: {
            assessmentRunId: id,
            assessmentTemplateId: template.assessmentTemplateId,
            trigger,
            hosts: hosts.length,
          },
        },
      ],
      at,
    );
  return id;
}

/**
 * Starts a run for every template whose cron schedule is due, and plans its next one. Each start
 * claims the template by its planned time, so two schedulers never start the same run twice.
 */
export async function startDueClassicRuns(db: Db, now: Date): Promise<string[]> {
  const due = await db
    .selectFrom('assessment_templates')
    .selectAll()
    .where('next_run_at', '<=', now.toISOString())
    .orderBy('next_run_at')
    .limit(100)
    .execute();
  const started: string[] = [];
  for (const row of due) {
    const template = templateView(row);
    const id = await db.transaction().execute(async (trx) => {
      const claimed = await trx
        .updateTable('assessment_templates')
        .set({ next_run_at: template.schedule ? nextFiring(template.schedule, now) : null })
        .where('id', '=', row.id)
        .where('next_run_at', '=', row.next_run_at)
        .executeTakeFirst();
      if (claimed.numUpdatedRows === 0n) return undefined;
      return startClassicRun(trx, template, 'SCHEDULE', now);
    });
    if (id) started.push(id);
  }
  return started;
}

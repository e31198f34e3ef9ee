import { randomUUID } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import { ValidationError } from '../../core/errors/validation-error.js';
import type { AssessmentTargetTable, AssessmentTemplateTable } from '../../store/classic-schema.js';
import type { ServiceDatabase } from '../../store/service-db-schema.js';
import { nextFiring, type TargetInput, type TemplateInput } from './classic-input.js';

type Db = Kysely<ServiceDatabase>;

export interface AssessmentTarget extends TargetInput {
  assessmentTargetId: string;
  accountId: string;
  createdAt: string;
}

export interface AssessmentTemplate extends TemplateInput {
  assessmentTemplateId: string;
  accountId: string;
  /** When the schedule starts the next run (absent: no schedule). */
  nextRunAt?: string;
  createdAt: string;
}

export function targetView(r: Selectable<AssessmentTargetTable>): AssessmentTarget {
  return {
    assessmentTargetId: r.id,
    accountId: r.account_id,
    name: r.name,
    resourceTags: JSON.parse(r.resource_tags_json) as Record<string, string[]>,
    createdAt: r.created_at,
  };
}

export function templateView(r: Selectable<AssessmentTemplateTable>): AssessmentTemplate {
  return {
    assessmentTemplateId: r.id,
    accountId: r.account_id,
    name: r.name,
    assessmentTargetId: r.target_id,
    rulesPackages: JSON.parse(r.rules_packages_json) as TemplateInput['rulesPackages'],
    durationInSeconds: r.duration_seconds,
    userAttributes: JSON.parse(r.user_attributes_json) as TemplateInput['userAttributes'],
    eventSubscriptions: JSON.parse(r.event_subscriptions_json) as TemplateInput['eventSubscriptions'],
    ...(r.schedule_json
      ? { schedule: JSON.parse(r.schedule_json) as NonNullable<TemplateInput['schedule']> }
      : {}),
    ...(r.next_run_at ? { nextRunAt: r.next_run_at } : {}),
    createdAt: r.created_at,
  };
}

export async function createTarget(
  db: Db,
  accountId: string,
  input: TargetInput,
  now: Date,
): Promise<AssessmentTarget> {
  const row = {
    id: `atgt-${randomUUID()}`,
    account_id: accountId,
    name: input.name,
    resource_tags_json: JSON.stringify(input.resourceTags),
    created_at: now.toISOString(),
  };
  await db.insertInto('assessment_targets').values(row).execute();
  return targetView(row);
}

export async function listTargets(db: Db, accountId: string): Promise<AssessmentTarget[]> {
  const rows = await db
    .selectFrom('assessment_targets')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map(targetView);
}

export async function getTarget(
  db: Db,
  accountId: string,
  id: string,
): Promise<AssessmentTarget | undefined> {
  const r = await db
    .selectFrom('assessment_targets')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && targetView(r);
}

/** A target some template uses cannot go (its runs would lose their hosts): TARGET_IN_USE. */
export async function deleteTarget(db: Db, accountId: string, id: string): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const used = await trx
      .selectFrom('assessment_templates')
      .select('id')
      .where('account_id', '=', accountId)
      .where('target_id', '=', id)
      .executeTakeFirst();
    if (used)
      throw new ValidationError(`assessment target ${id} is used by template ${used.id}`, { path: '/' });
    const r = await trx
      .deleteFrom('assessment_targets')
      .where('account_id', '=', accountId)
      .where('id', '=', id)
      .executeTakeFirst();
    return r.numDeletedRows > 0n;
  });
}

export async function createTemplate(
  db: Db,
  accountId: string,
  input: TemplateInput,
  now: Date,
): Promise<AssessmentTemplate> {
  if (!(await getTarget(db, accountId, input.assessmentTargetId)))
    throw new ValidationError(`/assessmentTargetId: no assessment target ${input.assessmentTargetId}`, {
      path: '/assessmentTargetId',
    });
  const row = {
    id: `atpl-${randomUUID()}`,
    account_id: accountId,
    target_id: input.assessmentTargetId,
    name: input.name,
    rules_packages_json: JSON.stringify(input.rulesPackages),
    duration_seconds: input.durationInSeconds,
    user_attributes_json: JSON.stringify(input.userAttributes),
    event_subscriptions_json: JSON.stringify(input.eventSubscriptions),
    schedule_json: input.schedule ? JSON.stringify(input.schedule) : null,
    next_run_at: input.schedule ? nextFiring(input.schedule, now) : null,
    created_at: now.toISOString(),
  };
  await db.insertInto('assessment_templates').values(row).execute();
  return templateView(row);
}

export async function listTemplates(db: Db, accountId: string): Promise<AssessmentTemplate[]> {
  const rows = await db
    .selectFrom('assessment_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .orderBy('id')
    .execute();
  return rows.map(templateView);
}

export async function getTemplate(
  db: Db,
  accountId: string,
  id: string,
): Promise<AssessmentTemplate | undefined> {
  const r = await db
    .selectFrom('assessment_templates')
    .selectAll()
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r && templateView(r);
}

/** The template goes; its runs stay (their findings and exclusions are history). */
export async function deleteTemplate(db: Db, accountId: string, id: string): Promise<boolean> {
  const r = await db
    .deleteFrom('assessment_templates')
    .where('account_id', '=', accountId)
    .where('id', '=', id)
    .executeTakeFirst();
  return r.numDeletedRows > 0n;
}

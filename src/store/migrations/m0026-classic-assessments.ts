import type { Kysely, Migration } from 'kysely';

/** Classic assessments (store/classic-schema.ts): targets, templates and runs. */
export function m0026ClassicAssessments(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('assessment_targets')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('resource_tags_json', 'text', (c) => c.notNull())
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('assessment_targets_account')
        .on('assessment_targets')
        .columns(['account_id', 'id'])
        .execute();
      await db.schema
        .createTable('assessment_templates')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('target_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('rules_packages_json', 'text', (c) => c.notNull())
        .addColumn('duration_seconds', 'integer', (c) => c.notNull())
        .addColumn('user_attributes_json', 'text', (c) => c.notNull())
        .addColumn('event_subscriptions_json', 'text', (c) => c.notNull())
        .addColumn('schedule_json', 'text')
        .addColumn('next_run_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('assessment_templates_account')
        .on('assessment_templates')
        .columns(['account_id', 'id'])
        .execute();
      await db.schema
        .createIndex('assessment_templates_due')
        .on('assessment_templates')
        .columns(['next_run_at'])
        .execute();
      await db.schema
        .createTable('assessment_runs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('template_id', 'text', (c) => c.notNull())
        .addColumn('name', 'text', (c) => c.notNull())
        .addColumn('template_json', 'text', (c) => c.notNull())
        .addColumn('resource_ids_json', 'text', (c) => c.notNull())
        .addColumn('state', 'text', (c) => c.notNull())
        .addColumn('state_reason', 'text')
        .addColumn('trigger', 'text', (c) => c.notNull())
        .addColumn('cis_scan_id', 'text')
        .addColumn('state_changes_json', 'text', (c) => c.notNull())
        .addColumn('exclusions_json', 'text', (c) => c.notNull())
        .addColumn('packages_json', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('completed_at', 'text')
        .execute();
      await db.schema
        .createIndex('assessment_runs_account')
        .on('assessment_runs')
        .columns(['account_id', 'created_at'])
        .execute();
      await db.schema.createIndex('assessment_runs_open').on('assessment_runs').columns(['state']).execute();
    },
  };
}

import type { Kysely, Migration } from 'kysely';

/** CIS scans (store/cis-schema.ts): latest assessment facts per host, configurations, scans, targets. */
export function m0024CisScans(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('host_assessment_facts')
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('facts_json', 'text', (c) => c.notNull())
        .addColumn('target_mode', 'text', (c) => c.notNull())
        .addColumn('received_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('host_assessment_facts_pk', ['account_id', 'resource_id'])
        .execute();
      await db.schema
        .createTable('cis_scan_configs')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('scan_name', 'text', (c) => c.notNull())
        .addColumn('security_level', 'text', (c) => c.notNull())
        .addColumn('schedule_json', 'text', (c) => c.notNull())
        .addColumn('targets_json', 'text', (c) => c.notNull())
        .addColumn('next_run_at', 'text')
        .addColumn('created_at', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cis_scan_configs_account')
        .on('cis_scan_configs')
        .columns(['account_id', 'id'])
        .execute();
      await db.schema
        .createIndex('cis_scan_configs_due')
        .on('cis_scan_configs')
        .columns(['next_run_at'])
        .execute();
      await db.schema
        .createTable('cis_scans')
        .addColumn('id', 'text', (c) => c.primaryKey())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('config_id', 'text')
        .addColumn('scan_name', 'text', (c) => c.notNull())
        .addColumn('security_level', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('started_at', 'text', (c) => c.notNull())
        .addColumn('deadline_at', 'text', (c) => c.notNull())
        .addColumn('finished_at', 'text')
        .addColumn('total_checks', 'integer', (c) => c.notNull())
        .addColumn('failed_checks', 'integer', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('cis_scans_account')
        .on('cis_scans')
        .columns(['account_id', 'started_at'])
        .execute();
      await db.schema
        .createIndex('cis_scans_open')
        .on('cis_scans')
        .columns(['status', 'deadline_at'])
        .execute();
      await db.schema
        .createTable('cis_scan_targets')
        .addColumn('scan_id', 'text', (c) => c.notNull())
        .addColumn('account_id', 'text', (c) => c.notNull())
        .addColumn('resource_account_id', 'text', (c) => c.notNull())
        .addColumn('resource_id', 'text', (c) => c.notNull())
        .addColumn('status', 'text', (c) => c.notNull())
        .addColumn('status_reason', 'text')
        .addColumn('results_json', 'text')
        .addColumn('facts_mode', 'text')
        .addColumn('updated_at', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('cis_scan_targets_pk', ['scan_id', 'resource_account_id', 'resource_id'])
        .execute();
      // What a check-in asks: is this host waiting in some scan?
      await db.schema
        .createIndex('cis_scan_targets_host')
        .on('cis_scan_targets')
        .columns(['resource_account_id', 'resource_id', 'status'])
        .execute();
    },
  };
}

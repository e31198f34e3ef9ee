import type { Kysely, Migration } from 'kysely';

/**
 * cis_scan_targets.facts_received_at: in queue mode the api stores an agent's facts and a worker
 * evaluates them (jobs/queue-jobs.ts `cis-evaluate`). A PENDING target with this set has its facts in
 * (host_assessment_facts) and waits for its evaluation, not for its agent: the feeder finds it (a job
 * lost between store and send), the deadline does not fail it, the agent is not asked again.
 * NULL in embedded mode, where the check-in evaluates at once.
 */
export function m0030CisEvaluationQueue(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cis_scan_targets').addColumn('facts_received_at', 'text').execute();
      // What the feeder asks every poll: the targets whose facts wait for a worker.
      await db.schema
        .createIndex('cis_scan_targets_facts_waiting')
        .on('cis_scan_targets')
        .columns(['status', 'facts_received_at'])
        .execute();
    },
  };
}

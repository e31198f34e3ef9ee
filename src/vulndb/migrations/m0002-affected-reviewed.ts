import type { Kysely, Migration } from 'kysely';

/**
 * Whether the publisher reviewed an advisory (GHSA's `database_specific.github_reviewed`): a reviewed
 * GitHub advisory decides over unreviewed records of the same vulnerability for the same package
 * (src/match/reviewed-advisory-rule.ts). NULL where the feed says nothing about review.
 */
export const m0002AffectedReviewed: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable('affected').addColumn('reviewed', 'integer').execute();
  },
};

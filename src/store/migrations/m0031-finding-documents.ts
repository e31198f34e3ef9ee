import { sql, type Kysely, type Migration } from 'kysely';

/**
 * Findings split in two (issue 12, check-ins of known hosts):
 * - `findings` keeps the filterable columns, a row of ~300 bytes;
 * - `finding_documents` holds each finding's JSON (~2.7 KB), written only when the finding changes.
 * A check-in that sees a host's findings again moves only `findings.last_observed_at`. Readers overlay
 * that time on the document (findings/finding-rows.ts findingOfRow). On SQLite, any column write
 * rewrites the whole row, so 630 observed findings rewrote 630 rows with their JSON. They now rewrite
 * ~50 narrow pages: 23.5 ms → 2.2 ms of statement and commit (README "Check-in load").
 * `findings_walk` loses last_observed_at. Keyed by id, its entries for one host sit on random pages,
 * so moving the time rewrote ~600 index pages per check-in. A walk with a lastObservedAt range now
 * reads the narrow row to test it; m0020 chose the covering walk because that row carried the JSON.
 * The foreign key removes a document with its finding (retention).
 */
export function m0031FindingDocuments(): Migration {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('finding_documents')
        .addColumn('id', 'text', (c) => c.primaryKey().references('findings.id').onDelete('cascade'))
        .addColumn('finding_json', 'text', (c) => c.notNull())
        .execute();
      await sql`insert into finding_documents (id, finding_json) select id, finding_json from findings`.execute(
        db,
      );
      await db.schema.alterTable('findings').dropColumn('finding_json').execute();
      await db.schema.dropIndex('findings_walk').execute();
      await db.schema
        .createIndex('findings_walk')
        .on('findings')
        .expression(sql`id, account_id, score`)
        .execute();
    },
  };
}

import type { Kysely, Transaction } from 'kysely';
import type { ChangeSet } from './import-types.js';
import type { VulnDatabase } from './vuln-db-schema.js';

type Db = Kysely<VulnDatabase> | Transaction<VulnDatabase>;

/**
 * One committed change of the DB's data, in commit order (`seq` only grows). Written in the same
 * transaction as the data, so whoever shares the DB file — a server beside a `vigil db import` —
 * sees every import exactly when its data is visible, including imports it did not run.
 */
export interface ImportLogEntry {
  seq: number;
  /** `import` (feed records through the importer) or `snapshot` (a whole DB image loaded at once). */
  kind: 'import' | 'snapshot';
  feeds: string[];
  finishedAt: string;
  /** What changed; null when it cannot be told (a snapshot load): everything may have. */
  changeSet: ChangeSet | null;
}

export async function appendImportLog(
  trx: Transaction<VulnDatabase>,
  e: Omit<ImportLogEntry, 'seq'>,
): Promise<number> {
  const row = await trx
    .insertInto('import_log')
    .values({
      kind: e.kind,
      feeds: JSON.stringify(e.feeds),
      finished_at: e.finishedAt,
      change_set_json: e.changeSet === null ? null : JSON.stringify(e.changeSet),
    })
    .returning('seq')
    .executeTakeFirstOrThrow();
  return Number(row.seq);
}

/** The highest seq committed so far (0 for a DB that never logged an import). */
export async function latestImportSeq(db: Db): Promise<number> {
  const row = await db
    .selectFrom('import_log')
    .select((eb) => eb.fn.max('seq').as('seq'))
    .executeTakeFirst();
  return Number(row?.seq ?? 0);
}

/** Entries after `seq`, oldest first (at most `limit`). */
export async function importsAfter(db: Db, seq: number, limit = 1000): Promise<ImportLogEntry[]> {
  const rows = await db
    .selectFrom('import_log')
    .selectAll()
    .where('seq', '>', seq)
    .orderBy('seq')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    seq: Number(r.seq),
    kind: r.kind === 'snapshot' ? 'snapshot' : 'import',
    feeds: JSON.parse(r.feeds) as string[],
    finishedAt: r.finished_at,
    changeSet: r.change_set_json === null ? null : (JSON.parse(r.change_set_json) as ChangeSet),
  }));
}

/** The DB's identity (made by migration 0003): tells a server its `--db` was replaced by another file. */
export async function vulnDbIdentity(db: Db): Promise<string> {
  const row = await db.selectFrom('meta').select('value').where('key', '=', 'db_id').executeTakeFirst();
  return row?.value ?? 'unknown';
}

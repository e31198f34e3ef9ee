import type { Kysely, Transaction } from 'kysely';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import type { FindingDocumentTable, FindingTable, ServiceDatabase } from '../store/service-db-schema.js';
import { forgetFindingsDigests } from './finding-digest-store.js';
import { DuplicateFindingError } from './duplicate-finding-error.js';
import { splitFindingRow, type StoredFindingRow } from './finding-rows.js';
import { insertRows } from '../store/row-insert.js';

type Trx = Transaction<ServiceDatabase>;
type Db = Trx | Kysely<ServiceDatabase>;

/**
 * Rows per statement: far under SQLite's bound-parameter cap (about 20 columns each), and few enough
 * that one statement is a short block of the event loop (each document is a finding's JSON).
 */
const ROWS_PER_STATEMENT = 50;

/**
 * New findings, many rows per INSERT (a duplicate id still fails, as the creation race needs). Two of
 * one identity on one resource are refused here on both databases: on SQLite no index refuses them
 * (m0032). A finding already stored under that identity is the caller's to have read in this
 * transaction, as the lifecycle and the re-match do (SQLite runs them one at a time).
 */
export async function insertFindingRows(trx: Trx, rows: readonly StoredFindingRow[]): Promise<void> {
  refuseDuplicates(rows);
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const { cols, docs } = halves(rows.slice(i, i + ROWS_PER_STATEMENT));
    const columns = columnsOf(cols);
    await insertRows(
      trx,
      'findings',
      columns,
      cols.map((c) => columns.map((k) => c[k as keyof FindingTable] ?? null)),
    );
    // After their rows: a document's id references its finding.
    await insertRows(
      trx,
      'finding_documents',
      ['id', 'finding_json'],
      docs.map((d) => [d.id, d.finding_json]),
    );
    await yieldToEventLoop();
  }
  await forgetFindingsDigests(trx, rows);
}

/** Stored findings written again whole (seen again, reopened, closed), many rows per statement. */
export async function rewriteFindingRows(trx: Trx, rows: readonly StoredFindingRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    const { cols, docs } = halves(rows.slice(i, i + ROWS_PER_STATEMENT));
    const columns = Object.keys(cols[0] ?? {}).filter((c) => c !== 'id');
    await trx
      .insertInto('findings')
      .values(cols)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => {
          // Every column findingRow writes, from the row itself: a column added later is never missed.
          const set: Record<string, unknown> = {};
          for (const column of columns) set[column] = eb.ref(`excluded.${column}` as 'excluded.id');
          return set;
        }),
      )
      .execute();
    await trx
      .insertInto('finding_documents')
      .values(docs)
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => ({ finding_json: eb.ref('excluded.finding_json') })),
      )
      .execute();
    await yieldToEventLoop();
  }
  await forgetFindingsDigests(trx, rows);
}

/** One stored finding written again by id (a rule's re-evaluation, the closer), row and document. */
export async function updateFindingRow(trx: Db, written: StoredFindingRow): Promise<void> {
  const { row, json } = splitFindingRow(written);
  await trx.updateTable('findings').set(row).where('id', '=', row.id).execute();
  await trx.updateTable('finding_documents').set({ finding_json: json }).where('id', '=', row.id).execute();
}

function halves(rows: readonly StoredFindingRow[]): { cols: FindingTable[]; docs: FindingDocumentTable[] } {
  const cols: FindingTable[] = [];
  const docs: FindingDocumentTable[] = [];
  for (const written of rows) {
    const { row, json } = splitFindingRow(written);
    cols.push(row);
    docs.push({ id: row.id, finding_json: json });
  }
  return { cols, docs };
}

/** Every column any of `rows` sets, in the order the first one names them. */
function columnsOf(rows: readonly FindingTable[]): string[] {
  const columns = new Set<string>();
  for (const row of rows) for (const k of Object.keys(row)) columns.add(k);
  return [...columns];
}

function refuseDuplicates(rows: readonly StoredFindingRow[]): void {
  const seen = new Set<string>();
  for (const r of rows) {
    const key = `${r.account_id}\0${r.resource_id}\0${r.identity_key}`;
    if (seen.has(key)) throw new DuplicateFindingError(r.account_id, r.resource_id, r.identity_key);
    seen.add(key);
  }
}

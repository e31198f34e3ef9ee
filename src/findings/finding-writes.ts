import type { Transaction } from 'kysely';
import { yieldToEventLoop } from '../core/event-loop-yield.js';
import type { FindingTable, ServiceDatabase } from '../store/service-db-schema.js';
import { forgetFindingsDigests } from './finding-digest-store.js';

/**
 * Rows per statement: far under SQLite's bound-parameter cap (about 20 columns each), and few enough
 * that one statement is a short block of the event loop (each row carries its finding's JSON).
 */
const ROWS_PER_STATEMENT = 50;

/** New findings, many rows per INSERT (a duplicate id still fails, as the creation race needs). */
export async function insertFindingRows(
  trx: Transaction<ServiceDatabase>,
  rows: readonly FindingTable[],
): Promise<void> {
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await trx
      .insertInto('findings')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .execute();
    await yieldToEventLoop();
  }
  await forgetFindingsDigests(trx, rows);
}

/** Stored findings written again whole (seen again, reopened, closed), many rows per statement. */
export async function rewriteFindingRows(
  trx: Transaction<ServiceDatabase>,
  rows: readonly FindingTable[],
): Promise<void> {
  const columns = Object.keys(rows[0] ?? {}).filter((c) => c !== 'id');
  for (let i = 0; i < rows.length; i += ROWS_PER_STATEMENT) {
    await trx
      .insertInto('findings')
      .values(rows.slice(i, i + ROWS_PER_STATEMENT))
      .onConflict((oc) =>
        oc.column('id').doUpdateSet((eb) => {
          // Every column findingRow writes, from the row itself: a column added later is never missed.
          const set: Record<string, unknown> = {};
          for (const column of columns) set[column] = eb.ref(`excluded.${column}` as 'excluded.id');
          return set;
        }),
      )
      .execute();
    await yieldToEventLoop();
  }
  await forgetFindingsDigests(trx, rows);
}

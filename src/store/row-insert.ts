import { CompiledQuery, type Kysely, type Transaction } from 'kysely';
import type { ServiceDatabase } from './service-db-schema.js';

type Db = Kysely<ServiceDatabase> | Transaction<ServiceDatabase>;
type Table = keyof ServiceDatabase;

/**
 * Statement texts per connection or transaction (its dialect's placeholders), by table, columns and row
 * count: a few per table, the full chunks' and the last one's.
 */
const texts = new WeakMap<Db, Map<string, string>>();

/**
 * Inserts `rows` (every one with exactly `columns`, in that order) in one statement. Kysely's builder
 * costs about 5 µs per row of 26 columns to parse, freeze and compile, more than SQLite's own insert of
 * a narrow row: a re-match writes a finding row, its document, its event and its history row on each of
 * thousands of hosts. So the statement's text is compiled by Kysely once per (table, columns, row count)
 * in a transaction (or connection), with its dialect's placeholders, and later calls only bind the values. The values are bound in
 * the order Kysely binds them (row by row, column by column), which row-insert.test.ts checks.
 */
export async function insertRows<T extends Table>(
  db: Db,
  table: T,
  columns: readonly string[],
  rows: ReadonlyArray<ReadonlyArray<unknown>>,
): Promise<void> {
  if (rows.length === 0) return;
  const params: unknown[] = [];
  for (const row of rows) for (const v of row) params.push(v);
  await db.executeQuery(CompiledQuery.raw(statementText(db, table, columns, rows.length), params));
}

/** The compiled text of an insert of `count` rows into `table` (a placeholder per value). */
export function statementText(db: Db, table: Table, columns: readonly string[], count: number): string {
  let mine = texts.get(db);
  if (!mine) texts.set(db, (mine = new Map<string, string>()));
  const key = `${table}\0${columns.join(',')}\0${count}`;
  let text = mine.get(key);
  if (text === undefined) {
    const row = Object.fromEntries(columns.map((c) => [c, null]));
    text = db
      .insertInto(table)
      .values(Array.from({ length: count }, () => row))
      .compile().sql;
    mine.set(key, text);
  }
  return text;
}

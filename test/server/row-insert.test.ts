import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { insertRows, statementText } from '../../src/store/row-insert.js';
import { BACKENDS } from './service-db-backends.js';

const COLUMNS = ['account_id', 'finding_id', 'event', 'status', 'at'];

const row = (i: number): string[] => [
  `acct-${i % 2}`,
  `finding-${i}`,
  i % 3 === 0 ? 'created' : 'closed',
  i % 3 === 0 ? 'ACTIVE' : 'CLOSED',
  `2026-01-0${1 + (i % 9)}T00:00:00.000Z`,
];

describe.each(BACKENDS.map((make) => [make().name, make] as const))('insertRows (%s)', (_, make) => {
  const backend = make();
  beforeAll(() => backend.setup(), 120_000);
  afterAll(() => backend.teardown());

  it('writes each value into its own row and column, as the query builder does', async () => {
    const { db } = await backend.fresh();
    try {
      const rows = Array.from({ length: 7 }, (_, i) => row(i));
      await db.kysely.transaction().execute(async (trx) => {
        await insertRows(trx, 'finding_status_history', COLUMNS, rows.slice(0, 4));
        // Another row count in the same transaction: a statement text of its own.
        await insertRows(trx, 'finding_status_history', COLUMNS, rows.slice(4));
        await insertRows(trx, 'finding_status_history', COLUMNS, []);
      });
      // The same rows through Kysely's builder, for the comparison.
      await db.kysely
        .insertInto('finding_status_history')
        .values(rows.map((r) => Object.fromEntries(COLUMNS.map((c, k) => [c, r[k]]))) as never)
        .execute();
      const stored = await db.kysely
        .selectFrom('finding_status_history')
        .select(['account_id', 'finding_id', 'event', 'status', 'at'])
        .orderBy('seq')
        .execute();
      const written = stored.map((s) => COLUMNS.map((c) => s[c as keyof typeof s]));
      expect(written).toEqual([...rows, ...rows]);
    } finally {
      await db.close();
    }
  });

  it("compiles one text per row count, with the dialect's placeholders", async () => {
    const { db } = await backend.fresh();
    try {
      await db.kysely.transaction().execute((trx) => {
        const two = statementText(trx, 'finding_status_history', COLUMNS, 2);
        expect(statementText(trx, 'finding_status_history', COLUMNS, 2)).toBe(two);
        expect(two).toBe(
          backend.name === 'postgres'
            ? 'insert into "finding_status_history" ("account_id", "finding_id", "event", "status", "at") ' +
                'values ($1, $2, $3, $4, $5), ($6, $7, $8, $9, $10)'
            : 'insert into "finding_status_history" ("account_id", "finding_id", "event", "status", "at") ' +
                'values (?, ?, ?, ?, ?), (?, ?, ?, ?, ?)',
        );
        return Promise.resolve();
      });
    } finally {
      await db.close();
    }
  });
});

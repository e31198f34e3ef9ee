import { CompiledQuery, sql, type Compilable } from 'kysely';
import type { ServiceDb } from '../../src/store/service-db.js';

/**
 * The query plan as text. PostgreSQL with sequential scans disabled: on a few hundred rows a scan is
 * cheapest, and the question is whether the index CAN serve the predicate (the bench shows the plan
 * it picks over a million findings).
 */
export async function planOf(db: ServiceDb, q: Compilable): Promise<string> {
  const c = q.compile();
  if (db.dialect === 'sqlite') {
    const res = await db.kysely.executeQuery<{ detail: string }>(
      CompiledQuery.raw(`explain query plan ${c.sql}`, [...c.parameters]),
    );
    return res.rows.map((x) => x.detail).join('\n');
  }
  return db.kysely.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    try {
      const res = await conn.executeQuery<{ 'QUERY PLAN': string }>(
        CompiledQuery.raw(`explain ${c.sql}`, [...c.parameters]),
      );
      return res.rows.map((x) => x['QUERY PLAN']).join('\n');
    } finally {
      await sql`reset enable_seqscan`.execute(conn);
    }
  });
}

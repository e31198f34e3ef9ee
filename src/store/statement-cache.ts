import type Database from 'better-sqlite3';

/** Distinct statements kept per connection (a multi-row INSERT is one per row count it was sent with). */
const MAX_STATEMENTS = 512;

const caches = new WeakMap<Database.Database, Map<string, Database.Statement>>();

/**
 * `db.prepare(sql)`, kept for the next time the same text comes: compiling a statement costs more than
 * running a small one (a heartbeat's key lookup and update were a third prepare). Least recently used
 * ones are dropped past MAX_STATEMENTS. SQLite re-prepares a kept statement itself after a schema
 * change (sqlite3_prepare_v2), so a migration never runs an outdated plan. Only for drivers that run a
 * statement to completion at once (`all`/`run`, never a half-read `iterate`), so reuse cannot overlap.
 */
export function preparedStatement(db: Database.Database, sql: string): Database.Statement {
  let cache = caches.get(db);
  if (!cache) caches.set(db, (cache = new Map<string, Database.Statement>()));
  const hit = cache.get(sql);
  if (hit) {
    // Map order is insertion order: moving the hit to the end keeps the oldest first to drop.
    cache.delete(sql);
    cache.set(sql, hit);
    return hit;
  }
  const stmt = db.prepare(sql);
  cache.set(sql, stmt);
  if (cache.size > MAX_STATEMENTS) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  return stmt;
}

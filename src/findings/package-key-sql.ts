import { sql, type Expression, type SqlBool } from 'kysely';

/**
 * Package findings whose package key is one of `keys` (at least one), written as the per-resource index
 * findings_resource_key (m0032) has the key: `coalesce(package_key, '')`, its '' a literal. SQLite uses
 * an expression index only for the same expression, so a bound '' or a plain `package_key in (…)`
 * would read every finding of the resource instead of seeking. Findings without a package key (not
 * package findings) stay out, as they did under `package_key in (…)`: only '' among the keys could
 * let them in, and only then does the query test the column (on PostgreSQL the index carries the
 * expression, not the column, so the test would cost its index-only read).
 */
export function packageKeyIn(keys: readonly string[]): Expression<SqlBool> {
  const keyed = sql<SqlBool>`coalesce(package_key, '') in (${sql.join(keys)})`;
  return keys.includes('') ? sql<SqlBool>`(${keyed} and package_key is not null)` : keyed;
}

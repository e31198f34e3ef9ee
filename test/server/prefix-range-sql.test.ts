import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  criteriaWhere,
  prefixByRange,
  prefixBySubstr,
  type PrefixSql,
} from '../../src/findings/filter-criteria-sql.js';
import { matchesCriteria, type FilterCriteria } from '../../src/findings/filter-criteria.js';
import { findingRow } from '../../src/findings/finding-rows.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { planOf } from './query-plan.js';
import { cutsOf, EDGE_VALUES, findingWith, PREFIX_FIELDS, randomValue } from './prefix-adversarial.js';
import { POOLS, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';
import { insertFindingRows } from '../../src/findings/finding-writes.js';

const SEED = 20261206;
const RANDOM_FINDINGS = 300;
const RANDOM_PREFIXES = 300;

/**
 * PREFIX as a byte range (prefixByRange) against two references on each backend: the naive SQL
 * predicate the service ran before (prefixBySubstr) and the in-memory face (startsWith). PostgreSQL
 * runs with an ICU en-US default collation, where "a" < "B" < "b": a range compared in the default
 * collation would take in "pkh" for "pkg" or miss values, so agreement shows the byte order holds.
 */
describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'PREFIX as a byte range on %s',
  (_n, make) => {
    const backend = make();
    let db: ServiceDb;
    const r = rng(SEED);
    const edge = EDGE_VALUES.map((_, i) => {
      const v = (k: number): string => EDGE_VALUES[(i + k * 7) % EDGE_VALUES.length] as string;
      return findingWith(r, i, [v(0), v(1), v(2), v(3)]);
    });
    const randomValues: string[] = [];
    const random = Array.from({ length: RANDOM_FINDINGS }, (_, i) => {
      const v = [0, 1, 2, 3].map(() => randomValue(r, 5)) as [string, string, string, string];
      randomValues.push(...v);
      return findingWith(r, 10_000 + i, v);
    });
    const all: Finding[] = [...edge, ...random];

    const ids = async (c: FilterCriteria, prefix: PrefixSql): Promise<string[]> => {
      const rows = await db.kysely
        .selectFrom('findings')
        .select('id')
        .where(criteriaWhere(c, prefix))
        .execute();
      // Sorted here: the database's own order of ids is its collation's, not JavaScript's.
      return rows.map((x) => x.id).sort();
    };
    const memIds = (c: FilterCriteria): string[] =>
      all
        .filter((f) => matchesCriteria(f, c, {}))
        .map((f) => f.id)
        .sort();

    /** Checks one criteria on all three faces; true when it matched some findings but not all. */
    const agree = async (c: FilterCriteria): Promise<boolean> => {
      const mem = memIds(c);
      expect({ c, range: await ids(c, prefixByRange) }).toEqual({ c, range: mem });
      expect({ c, substr: await ids(c, prefixBySubstr) }).toEqual({ c, substr: mem });
      return mem.length > 0 && mem.length < all.length;
    };

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh({ icuLocale: 'en-US' })).db;
      const rows = all.map((f) => findingRow(f, f.id));
      await db.kysely.transaction().execute((trx) => insertFindingRows(trx, rows));
    });
    afterAll(async () => {
      await db.close();
      await backend.teardown();
    });

    it('agrees with substr and startsWith on every cut of the edge values, in each of the four fields', async () => {
      const prefixes = cutsOf(EDGE_VALUES);
      let split = 0;
      for (const field of PREFIX_FIELDS)
        for (const value of prefixes)
          if (await agree({ [field]: [{ comparison: 'PREFIX', value }] })) split++;
      // Most prefixes must split the set, or agreement would prove little.
      expect(split).toBeGreaterThan((PREFIX_FIELDS.length * prefixes.length) / 2);
    });

    it(`agrees on ${RANDOM_PREFIXES} generated prefixes (cuts of stored values and fresh strings), alone and OR-ed`, async () => {
      const g = rng(SEED + 1);
      let split = 0;
      for (let i = 0; i < RANDOM_PREFIXES; i++) {
        const field = PREFIX_FIELDS[i % PREFIX_FIELDS.length] as (typeof PREFIX_FIELDS)[number];
        const stored = randomValues[Math.floor(g() * randomValues.length)] as string;
        const value =
          i % 3 === 2 ? randomValue(g, 3) : stored.slice(0, Math.floor(g() * (stored.length + 1)));
        const alone: FilterCriteria = { [field]: [{ comparison: 'PREFIX', value }] };
        if (await agree(alone)) split++;
        if (i % 10 === 0) {
          // Two PREFIX filters OR-ed, with a NOT_EQUALS beside them (AND).
          const other = randomValue(g, 2);
          await agree({
            [field]: [
              { comparison: 'PREFIX', value },
              { comparison: 'PREFIX', value: other },
              { comparison: 'NOT_EQUALS', value: stored },
            ],
          });
        }
      }
      expect(split).toBeGreaterThan(RANDOM_PREFIXES / 4);
    });

    it('the range is served by an index on each of the four columns; substr by none', async () => {
      const c = (field: (typeof PREFIX_FIELDS)[number]): FilterCriteria => ({
        [field]: [{ comparison: 'PREFIX', value: 'pkg' }],
      });
      // resourceId on SQLite: served by the per-resource index (m0032), which the list reaches through
      // the accounts it may see; the list always names them.
      const accounts = (field: (typeof PREFIX_FIELDS)[number]) =>
        field === 'resourceId' && db.dialect === 'sqlite';
      const query = (field: (typeof PREFIX_FIELDS)[number], prefix: PrefixSql) => {
        const q = db.kysely
          .selectFrom('findings')
          .select('id')
          .where(criteriaWhere(c(field), prefix));
        return accounts(field) ? q.where('account_id', 'in', POOLS.accountId) : q;
      };
      const expected: Record<(typeof PREFIX_FIELDS)[number], { column: string; sqlite: string; pg: string }> =
        {
          packageName: {
            column: 'package_name',
            sqlite: 'findings_package_name_key',
            pg: 'findings_package_name_binary',
          },
          vulnerabilityId: {
            column: 'vulnerability_id',
            sqlite: 'findings_vulnerability_id_key',
            pg: 'findings_vulnerability_id_binary',
          },
          resourceId: {
            column: 'resource_id',
            sqlite: 'findings_resource_key',
            pg: 'findings_resource_id_binary',
          },
          repositoryName: {
            column: 'repository_name',
            sqlite: 'findings_repository_name_key',
            pg: 'findings_repository_name_binary',
          },
        };
      for (const field of PREFIX_FIELDS) {
        const { column, sqlite, pg } = expected[field];
        const range = await planOf(db, query(field, prefixByRange));
        const substr = await planOf(db, query(field, prefixBySubstr));
        if (db.dialect === 'sqlite') {
          const searched = new RegExp(
            `USING (COVERING )?INDEX ${sqlite} \\(.*${column}>\\? AND ${column}<\\?\\)`,
          );
          expect(range).toMatch(searched);
          expect(substr).not.toMatch(new RegExp(`${column}[<>]`));
        } else {
          // EXPLAIN leaves the COLLATE out of the condition; the index named is the one built under it.
          // An index-only scan (the rows are narrow since m0031) shows the column without its cast.
          const cond = new RegExp(
            `Index Cond: .*${column}(\\)::text)? >= 'pkg'.*${column}(\\)::text)? < 'pkh'`,
          );
          expect(range).toMatch(
            new RegExp(`(Index Scan using|Index Only Scan using|Bitmap Index Scan on) ${pg}`),
          );
          expect(range).toMatch(cond);
          expect(substr).not.toMatch(new RegExp(`Index Cond: .*${column}`));
        }
      }
    });
  },
);

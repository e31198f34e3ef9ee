import { sql, type Compilable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingRow, type StoredFindingRow } from '../../src/findings/finding-rows.js';
import { insertFindingRows } from '../../src/findings/finding-writes.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { packageKeyIn } from '../../src/findings/package-key-sql.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { isUniqueViolation } from '../../src/store/unique-violation.js';
import { BACKENDS } from './service-db-backends.js';

const AT = '2026-02-01T00:00:00.000Z';

function finding(id: string, type: Finding['type']): Finding {
  return {
    id,
    accountId: 'a1',
    type,
    status: 'ACTIVE',
    severity: 'HIGH',
    title: id,
    description: id,
    firstObservedAt: AT,
    lastObservedAt: AT,
    updatedAt: AT,
    fixAvailable: 'YES',
    exploitAvailable: 'NO',
    remediation: { recommendation: { text: 'upgrade' } },
    resources: [{ id: 'host-1', type: 'HOST', details: { lastInventoryAt: AT }, tags: {} }],
  };
}

/** A package finding of `packageKey` (null: not a package finding), with the given identity. */
function row(id: string, identity: string, packageKey: string | null): StoredFindingRow {
  const type = packageKey === null ? 'NETWORK_REACHABILITY' : 'PACKAGE_VULNERABILITY';
  return { ...findingRow(finding(id, type), identity), package_key: packageKey };
}

async function indexNames(db: ServiceDb): Promise<string[]> {
  const q =
    db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'findings'`
      : sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'findings'`;
  return (await q.execute(db.kysely)).rows.map((r) => r.name);
}

async function planOf(db: ServiceDb, q: Compilable): Promise<string> {
  const c = q.compile();
  if (db.dialect === 'sqlite') {
    const r = await db.kysely.executeQuery<{ detail: string }>({ ...c, sql: `explain query plan ${c.sql}` });
    return r.rows.map((x) => x.detail).join('\n');
  }
  // Sequential scans off: on a handful of rows PostgreSQL would rightly scan the table.
  return db.kysely.connection().execute(async (conn) => {
    await sql`set enable_seqscan = off`.execute(conn);
    const r = await conn.executeQuery<{ 'QUERY PLAN': string }>({ ...c, sql: `explain ${c.sql}` });
    return r.rows.map((x) => x['QUERY PLAN']).join('\n');
  });
}

/**
 * Migration 0032: one per-resource index on findings instead of three. Reopening a DB as 0031 left it
 * keeps every finding, and the new index still refuses a second finding of the same identity on a
 * resource (the creation race's guard), package findings and others (their NULL key) alike. A
 * re-match's read by package key seeks it.
 */
for (const make of BACKENDS) {
  const backend = make();
  describe(`findings_resource_key (m0032) on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('upgrades a 0031 DB: the rows stay, one per-resource index, the identity still unique', async () => {
      const { db, url } = await backend.fresh({ migrateUpTo: '0031-finding-documents' });
      const stored = [row('f1', 'i1', 'deb:openssl'), row('f2', 'i2', 'deb:zlib'), row('f3', 'i3', null)];
      await db.kysely.transaction().execute((trx) => insertFindingRows(trx, stored));
      expect(await indexNames(db)).toEqual(expect.arrayContaining(['findings_identity', 'findings_rematch']));
      await db.close();

      const after = await openServiceDb({ url });
      try {
        const ids = await after.kysely
          .selectFrom('findings')
          .select(['id', 'package_key'])
          .orderBy('id')
          .execute();
        expect(ids).toEqual(stored.map((r) => ({ id: r.id, package_key: r.package_key })));
        const names = await indexNames(after);
        expect(names).toContain('findings_resource_key');
        expect(names).not.toContain('findings_identity');
        expect(names).not.toContain('findings_rematch');
        expect(names.includes('findings_resource_id_key')).toBe(false);
        // The same identity again, under a new id: refused, for a package finding and a network one.
        for (const again of [row('g1', 'i1', 'deb:openssl'), row('g3', 'i3', null)]) {
          const err = await after.kysely
            .transaction()
            .execute((trx) => insertFindingRows(trx, [again]))
            .then(
              () => undefined,
              (e: unknown) => e,
            );
          expect(isUniqueViolation(err)).toBe(true);
        }
        // Another identity on the same resource and key is a finding of its own.
        await after.kysely
          .transaction()
          .execute((trx) => insertFindingRows(trx, [row('g4', 'i4', 'deb:openssl')]));
        expect(await after.kysely.selectFrom('findings').select('id').execute()).toHaveLength(4);
      } finally {
        await after.close();
      }
    });

    it("a re-match's read of some package keys seeks the per-resource index", async () => {
      const { db } = await backend.fresh();
      try {
        const select = db.kysely
          .selectFrom('findings')
          .select(['package_key', 'vulnerability_id', 'status', 'match_digest'])
          .where(packageKeyIn(['deb:openssl', 'deb:zlib']));
        const mine = select.where('account_id', '=', 'a1').where('resource_id', '=', 'host-1');
        // Run once first: SQLite's EXPLAIN does not check that the connection's schema is current (a real
        // statement does), and the read connection last read it before the migrations.
        await mine.execute();
        const one = await planOf(db, mine);
        if (db.dialect === 'sqlite') {
          const seek =
            /SEARCH findings USING INDEX findings_resource_key \(account_id=\? AND resource_id=\? AND <expr>=\?\)/;
          expect(one).toMatch(seek);
          // Many hosts per query, as storedDigests and the re-match read them.
          const many = select.where(
            sql<boolean>`(account_id, resource_id) in ((${'a1'}, ${'host-1'}), (${'a1'}, ${'host-2'}))`,
          );
          expect(await planOf(db, many)).toMatch(seek);
        } else {
          // Index-only, seeking the host; on a few rows the planner tests the key list on the entries.
          expect(one).toMatch(/Index Only Scan using findings_resource_key/);
          expect(one).toMatch(
            /Index Cond: \(\(account_id = 'a1'::text\) AND \(resource_id = 'host-1'::text\)/,
          );
        }
      } finally {
        await db.close();
      }
    });
  });
}

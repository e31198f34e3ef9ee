import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingRow, splitFindingRow, type StoredFindingRow } from '../../src/findings/finding-rows.js';
import { insertFindingRows } from '../../src/findings/finding-writes.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import type { ServiceDatabase } from '../../src/store/service-db-schema.js';
import { isUniqueViolation } from '../../src/store/unique-violation.js';
import { BACKENDS } from './service-db-backends.js';
import { hostFinding } from './host-finding.js';
import { planOf } from './query-plan.js';

/** A package finding of `packageKey` (null: not a package finding), with the given identity. */
function row(id: string, identity: string, packageKey: string | null): StoredFindingRow {
  const type = packageKey === null ? 'NETWORK_REACHABILITY' : 'PACKAGE_VULNERABILITY';
  return { ...findingRow(hostFinding(id, { type }), identity), package_key: packageKey };
}

async function indexNames(db: ServiceDb): Promise<string[]> {
  const q =
    db.dialect === 'sqlite'
      ? sql<{ name: string }>`select name from sqlite_master where type = 'index' and tbl_name = 'findings'`
      : sql<{ name: string }>`select indexname as name from pg_indexes where tablename = 'findings'`;
  return (await q.execute(db.kysely)).rows.map((r) => r.name);
}

/** The stored identities of host-1, as a scan's lifecycle reads them before it writes. */
async function identities(db: Kysely<ServiceDatabase>): Promise<string[]> {
  const rows = await db
    .selectFrom('findings')
    .select('identity_key')
    .where('account_id', '=', 'a1')
    .where('resource_id', '=', 'host-1')
    .execute();
  return rows.map((r) => r.identity_key);
}

/** A promise and its resolver: the two transactions below take turns by them. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve = (): void => undefined;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

/**
 * Migration 0032: one per-resource index on findings instead of three. Reopening a DB as 0031 left it
 * keeps every finding. Two writers cannot both create a finding of one identity on a resource: on
 * PostgreSQL the index refuses the second (package findings and others, whose key is NULL, alike); on
 * SQLite, where it is not unique, the second writer's transaction fails instead of writing on what it
 * read before the first committed. A re-match's reads and the list's resourceId filter use the index.
 */
for (const make of BACKENDS) {
  const backend = make();
  describe(`findings_resource_key (m0032) on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('upgrades a 0031 DB: the rows stay, one per-resource index in place of three', async () => {
      const { db, url } = await backend.fresh({ migrateUpTo: '0031-finding-documents' });
      const stored = [row('f1', 'i1', 'deb:openssl'), row('f2', 'i2', 'deb:zlib'), row('f3', 'i3', null)];
      // As 0031's writers stored them (today's also clear digests, in a table 0033 creates).
      for (const r of stored.map(splitFindingRow)) {
        await db.kysely.insertInto('findings').values(r.row).execute();
        await db.kysely
          .insertInto('finding_documents')
          .values({ id: r.row.id, finding_json: r.json })
          .execute();
      }
      expect(await indexNames(db)).toEqual(expect.arrayContaining(['findings_identity', 'findings_rematch']));
      await db.close();

      const after = await openServiceDb({ url });
      try {
        const rows = await after.kysely
          .selectFrom('findings')
          .select(['id', 'package_key'])
          .orderBy('id')
          .execute();
        expect(rows).toEqual(stored.map((r) => ({ id: r.id, package_key: r.package_key })));
        const names = await indexNames(after);
        expect(names).toContain('findings_resource_key');
        for (const gone of ['findings_identity', 'findings_rematch', 'findings_resource_id_key'])
          expect(names).not.toContain(gone);
        if (after.dialect === 'postgres') {
          // The same identity again under a new id: refused, for a package finding and a network one.
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
        }
        // Another identity on the same resource and key is a finding of its own.
        await after.kysely
          .transaction()
          .execute((trx) => insertFindingRows(trx, [row('g4', 'i4', 'deb:openssl')]));
        expect(await identities(after.kysely)).toHaveLength(4);
      } finally {
        await after.close();
      }
    });

    it('two writers that both read no finding of an identity cannot both create it', async () => {
      const { db: first, url } = await backend.fresh();
      const second = await openServiceDb({ url });
      try {
        const firstRead = signal();
        const secondRead = signal();
        const firstDone = signal();
        const one = first.kysely.transaction().execute(async (trx) => {
          expect(await identities(trx)).toEqual([]);
          firstRead.resolve();
          await secondRead.promise;
          await insertFindingRows(trx, [row('f1', 'i1', 'deb:openssl')]);
        });
        const two = second.kysely.transaction().execute(async (trx) => {
          await firstRead.promise;
          expect(await identities(trx)).toEqual([]);
          secondRead.resolve();
          await firstDone.promise;
          await insertFindingRows(trx, [row('g1', 'i1', 'deb:openssl')]);
        });
        await one;
        firstDone.resolve();
        const err = await two.then(
          () => undefined,
          (e: unknown) => e,
        );
        const code = (err as { code?: string } | undefined)?.code;
        if (first.dialect === 'sqlite') expect(code).toBe('SQLITE_BUSY_SNAPSHOT');
        else expect(isUniqueViolation(err)).toBe(true);
        expect(await identities(first.kysely)).toEqual(['i1']);
      } finally {
        await second.close();
        await first.close();
      }
    });

    it("a re-match's reads and the list's resourceId filter are served by the index", async () => {
      const { db } = await backend.fresh();
      try {
        const digests = db.kysely
          .selectFrom('findings')
          .select(['package_key', 'vulnerability_id', 'match_digest', 'id', 'identity_key'])
          .where('account_id', '=', 'a1')
          .where('resource_id', '=', 'host-1')
          .where('package_key', 'in', ['deb:openssl', 'deb:zlib'])
          .where('status', '!=', 'CLOSED');
        const list = db.kysely
          .selectFrom('findings')
          .select('id')
          .where('account_id', 'in', ['a1', 'a2'])
          .where('resource_id', '=', 'host-1')
          .orderBy('id')
          .limit(50);
        // Run once first: SQLite's EXPLAIN does not check that the connection's schema is current (a real
        // statement does), and the read connection last read it before the migrations.
        await digests.execute();
        const seek = await planOf(db, digests);
        const listed = await planOf(db, list);
        if (db.dialect === 'sqlite') {
          expect(seek).toMatch(
            /SEARCH findings USING COVERING INDEX findings_resource_key \(account_id=\? AND resource_id=\? AND package_key=\?\)/,
          );
          expect(listed).toMatch(
            /USING COVERING INDEX findings_resource_key \(account_id=\? AND resource_id=\?\)/,
          );
        } else {
          expect(seek).toMatch(/Index Only Scan using findings_resource_key/);
          // On a few rows the planner tests the key list on the host's entries rather than seeking it.
          expect(seek).toMatch(
            /Index Cond: \(\(account_id = 'a1'::text\) AND \(resource_id = 'host-1'::text\)/,
          );
        }
      } finally {
        await db.close();
      }
    });
  });
}

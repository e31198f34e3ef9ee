import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingRow } from '../../src/findings/finding-rows.js';
import { getFinding, listFindings } from '../../src/findings/finding-query.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { openServiceDb } from '../../src/store/service-db.js';
import { BACKENDS } from './service-db-backends.js';
import { hostFinding } from './host-finding.js';

const finding = (id: string, description: string): Finding => hostFinding(id, { description });

/**
 * A service DB as the release before migration 0031 left it: each finding's JSON in its `findings` row.
 * Reopening it runs 0031 over what is there, as an upgrade of a running installation would: every JSON
 * moves to `finding_documents` (text outside ASCII byte for byte), the column goes, and reads and the
 * list give the same findings.
 */
for (const make of BACKENDS) {
  const backend = make();
  describe(`finding documents (m0031) on ${backend.name}`, () => {
    beforeAll(() => backend.setup());
    afterAll(() => backend.teardown());

    it('moves every stored finding JSON into its document and reads the same findings', async () => {
      const { db, url } = await backend.fresh({ migrateUpTo: '0030-cis-evaluation-queue' });
      const stored = [finding('f1', 'plain'), finding('f2', 'é—ü 😀 "quoted" \\ back')];
      for (const f of stored) {
        const { finding_json, ...row } = findingRow(f, `${f.id}|openssl`);
        const cols = Object.keys(row);
        // The old schema has the column; the typed builder no longer knows it.
        await sql`insert into findings (${sql.join(cols.map((c) => sql.ref(c)))}, finding_json)
          values (${sql.join(cols.map((c) => (row as Record<string, unknown>)[c]))}, ${finding_json})`.execute(
          db.kysely,
        );
      }
      await db.close();

      const after = await openServiceDb({ url });
      try {
        const docs = await after.kysely.selectFrom('finding_documents').selectAll().orderBy('id').execute();
        expect(docs).toEqual(stored.map((f) => ({ id: f.id, finding_json: JSON.stringify(f) })));
        await expect(sql`select finding_json from findings`.execute(after.kysely)).rejects.toThrow();
        expect(await getFinding(after.kysely, ['a1'], 'f2')).toEqual(stored[1]);
        const page = await listFindings(after.kysely, {
          accountIds: ['a1'],
          criteria: {},
          limit: 10,
          sortBy: 'lastObservedAt',
          sortOrder: 'DESC',
        });
        expect(page.findings).toEqual([...stored].reverse()); // equal times: by id, descending too
      } finally {
        await after.close();
      }
    });
  });
}

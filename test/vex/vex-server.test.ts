import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { call, seedAndListen, type Seeded } from '../server/api-server.js';
import { BACKENDS } from '../server/service-db-backends.js';
import { cyclonedxVexExamples, expectedSuppressed, readTestdata } from './vex-examples.js';

const VEX_B = '/v1/accounts/acct-b/vex';
const OURS = ['jackson-openvex.json', 'jackson-openvex-later.json', 'jackson-cyclonedx.json'];

type Doc = Record<string, unknown>;
let vulns: VulnDb;
let bom: Doc;
let docs: Record<string, Doc>;

beforeAll(async () => {
  vulns = await openVulnDb(await matchingDbPath());
  const examples = await cyclonedxVexExamples();
  bom = JSON.parse(examples.get('VEX/bom.json') ?? '') as Doc;
  docs = Object.fromEntries(OURS.map((n) => [n, JSON.parse(readTestdata(n)) as Doc]));
  docs['example'] = JSON.parse(examples.get('VEX/vex.json') ?? '') as Doc;
});
afterAll(async () => vulns.close());

for (const make of BACKENDS) {
  const backend = make();
  describe(`VEX documents on a real server (${backend.name})`, () => {
    let db: ServiceDb;
    let s: Seeded;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 5, vulns.store);
      // The CycloneDX VEX example's SBOM, scanned by the server for a resource in each member account.
      for (const [key, path] of [
        [s.keys.memberB, '/v1/accounts/acct-b/resources/app-b1/inventory'],
        [s.keys.memberA, '/v1/accounts/acct-a/resources/app-a1/inventory'],
      ] as const) {
        const r = await call(s.base, key, 'POST', path, bom);
        expect(r.status, JSON.stringify(r.json)).toBe(200);
      }
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    async function findings(key: string): Promise<Finding[]> {
      const r = await call(s.base, key, 'GET', '/v1/findings?maxResults=500');
      expect(r.status).toBe(200);
      return (r.json as { findings: Finding[] }).findings;
    }
    const suppressedIds = (fs: Finding[]): string[] =>
      fs
        .filter((f) => f.status === 'SUPPRESSED')
        .map((f) => f.id)
        .sort();
    const lastSeq = async (): Promise<number> =>
      Number(
        (await db.kysely.selectFrom('outbox').select('seq').orderBy('seq', 'desc').executeTakeFirst())?.seq ??
          0,
      );
    const eventsAfter = (seq: number): Promise<Array<{ type: string; subject: string }>> =>
      db.kysely
        .selectFrom('outbox')
        .select(['type', 'subject'])
        .where('seq', '>', seq)
        .orderBy('seq')
        .execute();
    const upload = async (doc: unknown): Promise<{ id: string; findingsChanged: number }> => {
      const r = await call(s.base, s.keys.adminB, 'POST', VEX_B, doc);
      expect(r.status, JSON.stringify(r.json)).toBe(201);
      const j = r.json as { document: { id: string }; findingsChanged: number };
      return { id: j.document.id, findingsChanged: j.findingsChanged };
    };

    it('uploads suppress exactly the findings the statements name, with reason and source; other accounts untouched', async () => {
      const before = await findings(s.keys.memberB);
      const real = before.filter((f) => f.resources[0]?.id === 'app-b1');
      expect(real.length).toBeGreaterThanOrEqual(5);
      expect(suppressedIds(before)).toEqual([]);
      const aBefore = await findings(s.keys.memberA);
      const seq = await lastSeq();

      const first = await upload(docs['jackson-openvex.json']);
      let want = expectedSuppressed([docs['jackson-openvex.json'] as Doc], before);
      expect(want).toHaveLength(2);
      expect(first.findingsChanged).toBe(want.length);
      let now = await findings(s.keys.memberB);
      expect(suppressedIds(now)).toEqual(want);
      const events = await eventsAfter(seq);
      expect(events[0]).toEqual({ type: 'vigil.vex-document.created', subject: first.id });
      expect(
        events
          .slice(1)
          .map((e) => `${e.type} ${e.subject}`)
          .sort(),
      ).toEqual(want.map((id) => `vigil.finding.updated ${id}`));

      const one = await call(s.base, s.keys.memberB, 'GET', `/v1/findings/${want[0] ?? ''}`);
      const shown = one.json as Finding;
      expect(shown.suppressedBy).toMatch(new RegExp(`^vex:${first.id}#[0-9]+$`));
      expect(shown.suppression?.reason).toMatch(/^VEX (not_affected|fixed)/);
      expect(shown).toMatchObject({
        status: 'SUPPRESSED',
        suppression: {
          source: {
            type: 'VEX',
            documentId: first.id,
            format: 'openvex',
            vexId: 'https://vigil.example/vex/jackson-2026-001',
            author: 'vigil test suite',
            timestamp: '2026-01-10T09:00:00Z',
          },
        },
      });

      for (const name of ['jackson-openvex-later.json', 'jackson-cyclonedx.json', 'example'])
        await upload(docs[name]);
      want = expectedSuppressed(
        ['jackson-openvex.json', ...OURS.slice(1), 'example'].map((n) => docs[n] as Doc),
        before,
      );
      now = await findings(s.keys.memberB);
      expect(suppressedIds(now)).toEqual(want);
      expect(want.length).toBe(4);
      // Account A scanned the same SBOM; B's documents change nothing there.
      expect(await findings(s.keys.memberA)).toEqual(aBefore);
      const list = await call(s.base, s.keys.memberB, 'GET', VEX_B);
      expect((list.json as { documents: Array<{ format: string }> }).documents.map((d) => d.format)).toEqual([
        'openvex',
        'openvex',
        'cyclonedx',
        'cyclonedx',
      ]);
    });

    it('a new finding that a stored statement covers is SUPPRESSED when it is created', async () => {
      const seq = await lastSeq();
      const r = await call(
        s.base,
        s.keys.memberB,
        'POST',
        '/v1/accounts/acct-b/resources/app-b2/inventory',
        bom,
      );
      expect(r.status).toBe(200);
      const all = await findings(s.keys.memberB);
      const fresh = all.filter((f) => f.resources[0]?.id === 'app-b2');
      const want = expectedSuppressed(
        ['jackson-openvex.json', ...OURS.slice(1), 'example'].map((n) => docs[n] as Doc),
        fresh,
      );
      expect(want.length).toBe(4);
      expect(suppressedIds(fresh)).toEqual(want);
      const created = (await eventsAfter(seq)).filter((e) => e.type === 'vigil.finding.created');
      expect(created.map((e) => e.subject).sort()).toEqual(fresh.map((f) => f.id).sort());
      const h = await call(s.base, s.keys.memberB, 'GET', `/v1/findings/${want[0] ?? ''}/history`);
      expect((h.json as { history: Array<{ status: string }> }).history.map((x) => x.status)).toEqual([
        'SUPPRESSED',
      ]);
    });

    it('deleting a document lifts its suppressions: ACTIVE again, with events and history', async () => {
      const list = (await call(s.base, s.keys.memberB, 'GET', VEX_B)).json as {
        documents: Array<{ id: string; vexId?: string }>;
      };
      const later = list.documents.find((d) => d.vexId === 'https://vigil.example/vex/jackson-2026-002');
      const before = await findings(s.keys.memberB);
      const seq = await lastSeq();
      const r = await call(s.base, s.keys.adminB, 'DELETE', `${VEX_B}/${later?.id ?? ''}`);
      expect(r.status).toBe(200);
      const remaining = ['jackson-openvex.json', 'jackson-cyclonedx.json', 'example'].map(
        (n) => docs[n] as Doc,
      );
      const after = await findings(s.keys.memberB);
      expect(suppressedIds(after)).toEqual(expectedSuppressed(remaining, before));
      const lifted = suppressedIds(before).filter((id) => !suppressedIds(after).includes(id));
      // CVE-2021-46877 on both resources: only the later document said not_affected.
      expect(lifted).toHaveLength(2);
      expect((r.json as { findingsChanged: number }).findingsChanged).toBe(2);
      expect((await eventsAfter(seq)).map((e) => `${e.type} ${e.subject}`).sort()).toEqual(
        [
          `vigil.vex-document.deleted ${later?.id ?? ''}`,
          ...lifted.map((id) => `vigil.finding.updated ${id}`),
        ].sort(),
      );
      const h = await call(s.base, s.keys.memberB, 'GET', `/v1/findings/${lifted[0] ?? ''}/history`);
      expect(
        (h.json as { history: Array<{ status: string }> }).history.map((x) => x.status).slice(-2),
      ).toEqual(['SUPPRESSED', 'ACTIVE']);
      expect((await call(s.base, s.keys.adminB, 'DELETE', `${VEX_B}/${later?.id ?? ''}`)).status).toBe(404);
      const one = await call(s.base, s.keys.memberB, 'GET', `${VEX_B}/${list.documents[0]?.id ?? ''}`);
      expect((one.json as { statements: unknown[] }).statements).toHaveLength(8);
    });

    it('bad documents are 4xx with stable codes and write nothing; only admins upload', async () => {
      const count = async (): Promise<number> =>
        Number(
          (
            await db.kysely
              .selectFrom('vex_documents')
              .select((eb) => eb.fn.countAll().as('n'))
              .executeTakeFirstOrThrow()
          ).n,
        );
      const n = await count();
      const seq = await lastSeq();
      const good = docs['jackson-openvex.json'] as Doc;
      const huge = { ...good, padding: 'x'.repeat(5 * 1024 * 1024) };
      const cases: Array<[unknown, number, string]> = [
        [{ ...good, author: undefined, statements: [{}] }, 400, 'VEX_INVALID'],
        [{ ...good, '@context': 'https://openvex.dev/ns/v3.1.0' }, 400, 'VEX_UNSUPPORTED_VERSION'],
        [{ bomFormat: 'CycloneDX', specVersion: '1.2', version: 1 }, 400, 'VEX_UNSUPPORTED_VERSION'],
        [
          {
            ...docs['jackson-cyclonedx.json'],
            vulnerabilities: [{ id: 'CVE-1', analysis: { state: 'nope' } }],
          },
          400,
          'VEX_INVALID',
        ],
        [huge, 413, 'BODY_TOO_LARGE'],
      ];
      for (const [body, status, code] of cases) {
        const r = await call(s.base, s.keys.adminB, 'POST', VEX_B, body);
        expect(r.status).toBe(status);
        expect((r.json as { code: string }).code).toBe(code);
      }
      expect((await call(s.base, s.keys.memberB, 'POST', VEX_B, good)).status).toBe(403);
      // Another account's admin does not even see acct-b.
      expect((await call(s.base, s.keys.adminA, 'POST', VEX_B, good)).status).toBe(404);
      expect(await count()).toBe(n);
      expect(await lastSeq()).toBe(seq);
    });
  });
}

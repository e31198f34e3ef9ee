import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, SqliteDialect, sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { m0001ServiceInitial } from '../../src/store/migrations/m0001-service-initial.js';
import { m0011FindingStatusHistory } from '../../src/store/migrations/m0011-finding-status-history.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS } from './service-db-backends.js';

const PATH = '/v1/accounts/acct-a/resources/web-7/inventory';
const RULES = '/v1/accounts/acct-a/suppression-rules';

function inventory(version: string): unknown {
  return {
    schemaVersion: 1,
    source: { type: 'host', target: 'web-7' },
    packages: [
      {
        id: 'p0',
        name: 'leftpad-vigil',
        version,
        ecosystem: 'npm',
        purl: `pkg:npm/leftpad-vigil@${version}`,
        filePath: '/app/package-lock.json',
        foundBy: 'npm-package-lock',
      },
    ],
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

type Entry = { at: string; event: string; status: string };

for (const make of BACKENDS) {
  const backend = make();
  describe(`finding status history on ${backend.name}`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-history-'));
    let db: ServiceDb;
    let vulns: VulnDb;
    let s: Seeded;

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
      await vulns.import(await batchesForPaths([new URL('testdata/osv', import.meta.url).pathname], 'osv'));
      s = await seedAndListen(db, 0, vulns.store);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await vulns.close();
      await backend.teardown();
      rmSync(dir, { recursive: true, force: true });
    });

    const post = async (version: string): Promise<void> => {
      expect((await call(s.base, s.keys.memberA, 'POST', PATH, inventory(version))).status).toBe(200);
    };
    const history = async (key: string, id: string): Promise<{ status: number; entries?: Entry[] }> => {
      const r = await call(s.base, key, 'GET', `/v1/findings/${encodeURIComponent(id)}/history`);
      return r.status === 200
        ? { status: 200, entries: (r.json as { history: Entry[] }).history }
        : { status: r.status };
    };

    it('records open, close, reopen, suppress and unsuppress in order, and only for who may see it', async () => {
      await post('1.0.0');
      const list = await call(s.base, s.keys.memberA, 'GET', '/v1/findings');
      const [finding] = (list.json as { findings: Finding[] }).findings.filter(
        (f) => f.resources[0]?.id === 'web-7',
      );
      expect(finding).toBeDefined();
      const id = finding!.id;

      await post('1.2.0'); // the fixed version closes it
      await post('1.0.0'); // and the vulnerable one reopens it
      await post('1.0.0'); // an identical scan changes nothing: no entry
      const rule = await call(s.base, s.keys.adminA, 'POST', RULES, {
        name: 'accepted risk',
        reason: 'not reachable',
        filter: { resourceId: [{ comparison: 'EQUALS', value: 'web-7' }] },
      });
      expect(rule.status).toBe(201);
      const ruleId = (rule.json as { rule: { id: string } }).rule.id;
      expect((await call(s.base, s.keys.adminA, 'DELETE', `${RULES}/${ruleId}`)).status).toBe(200);

      const mine = await history(s.keys.memberA, id);
      expect(mine.status).toBe(200);
      expect(mine.entries!.map((e) => `${e.event} ${e.status}`)).toEqual([
        'created ACTIVE',
        'closed CLOSED',
        'updated ACTIVE',
        'updated SUPPRESSED',
        'updated ACTIVE',
      ]);
      const times = mine.entries!.map((e) => e.at);
      expect([...times].sort()).toEqual(times);

      // Another account's member gets the same 404 as for an id that does not exist.
      expect((await history(s.keys.memberB, id)).status).toBe(404);
      expect((await history(s.keys.memberA, 'no-such-finding')).status).toBe(404);
    });
  });
}

describe('migration 0011 on a DB from before the history', () => {
  it('seeds the history from the finding events its outbox still holds, and nothing else', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-history-mig-'));
    const kysely = new Kysely<unknown>({
      dialect: new SqliteDialect({ database: new Database(join(dir, 'old.sqlite')) }),
    });
    try {
      await m0001ServiceInitial('sqlite').up(kysely);
      const ev = (type: string, subject: string, payload: string, at: string) => ({
        type,
        account_id: 'acct-a',
        subject,
        payload_json: payload,
        created_at: at,
        delivered_at: at,
      });
      const rows = [
        ev('vigil.finding.created', 'f1', '{"status":"ACTIVE"}', '2026-01-01T00:00:00.000Z'),
        ev('vigil.scan.completed', 'web-7', '{"scanId":"s1"}', '2026-01-01T00:00:00.000Z'),
        ev('vigil.finding.closed', 'f1', '{"status":"CLOSED"}', '2026-01-02T00:00:00.000Z'),
        ev('vigil.finding.updated', 'f2', 'not json', '2026-01-03T00:00:00.000Z'),
      ];
      await (kysely as Kysely<{ outbox: (typeof rows)[number] }>).insertInto('outbox').values(rows).execute();
      await m0011FindingStatusHistory('sqlite').up(kysely);
      const seeded = await sql<{ finding_id: string; event: string; status: string; at: string }>`
        SELECT finding_id, event, status, at FROM finding_status_history ORDER BY seq`.execute(kysely);
      expect(seeded.rows).toEqual([
        { finding_id: 'f1', event: 'created', status: 'ACTIVE', at: '2026-01-01T00:00:00.000Z' },
        { finding_id: 'f1', event: 'closed', status: 'CLOSED', at: '2026-01-02T00:00:00.000Z' },
        { finding_id: 'f2', event: 'updated', status: 'UNKNOWN', at: '2026-01-03T00:00:00.000Z' },
      ]);
    } finally {
      await kysely.destroy();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

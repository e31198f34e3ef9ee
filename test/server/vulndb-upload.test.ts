import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call } from './api-server.js';
import { cutDataChange, debianKeysOf, FEED, hostInventory, keysOf, withdrawalOf } from './rematch-data.js';
import type { DataChange, HostSpec, OsvDoc } from './rematch-data.js';
import { BACKENDS } from './service-db-backends.js';
import {
  ACCOUNT,
  gatedBody,
  seed,
  type Keys,
  get,
  openDecisions,
  rematchDone,
  scannedDecisions,
  upload,
  vulnDbSnapshot,
} from './vulndb-upload-harness.js';

/**
 * Issue 12's second way to update the data: an admin uploads newer vulnerability data to a running
 * server (real HTTP on 127.0.0.1, real SQLite vulnerability DB, the service DB on SQLite and
 * PostgreSQL). The server starts on "before" (real Debian OSV records cut by `modified`), holds host
 * inventories submitted through the inventory API, and its re-match job polls only once an hour: the
 * findings the "after" upload brings can only come from the re-match the upload starts itself. They
 * must equal a fresh scan of every host, with their events; an uploaded withdrawal closes its
 * findings; bad uploads are refused with stable codes and leave the DB as it was; only server admins
 * may upload.
 */
const HOSTS: HostSpec[] = [
  { id: 'h-web', release: '12', sources: ['openssl', 'curl', 'zlib', 'nghttp2'] },
  { id: 'h-admin', release: '12', sources: ['sudo', 'tar', 'bash', 'shadow'] },
  { id: 'h-old', release: '11', sources: ['openssl', 'krb5', 'perl'] },
  { id: 'h-xml', release: '12', sources: ['libxml2', 'libxslt', 'expat', 'sqlite3'] },
  { id: 'h-ssh', release: '12', sources: ['ncurses', 'gnutls28', 'openssh', 'openssl'] },
  { id: 'h-node', release: '12', sources: [], npm: [['left-pad', '1.3.0']] },
];
const CAP = 1024 * 1024;

let dir: string;
let data: DataChange;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-vdbup-test-'));
  leftBefore = new Set(uploadFiles());
  data = await cutDataChange(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The server's upload temp dirs (it makes them in the system temp dir); none must outlive a request. */
const uploadFiles = (): string[] => readdirSync(tmpdir()).filter((n) => n.startsWith('vigil-upload-'));
let leftBefore = new Set<string>();
const leftOver = (): string[] => uploadFiles().filter((n) => !leftBefore.has(n));

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'vulnerability DB upload (%s)',
  (_, make) => {
    const backend = make();
    let db: ServiceDb;
    let vulndb: VulnDb;
    let app: FastifyInstance;
    let base: string;
    let keys: Keys;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      vulndb = await openVulnDb(join(dir, `vulndb-${backend.name}.sqlite`));
      await vulndb.import([await osvFeed(data.beforeFile, FEED)]);
      keys = await seed(db);
      app = await buildServer({
        db,
        store: vulndb.store,
        vulnDb: vulndb,
        config: { pollIntervalMs: 3_600_000, vulnDbUploadMaxBytes: CAP },
      });
      base = await app.listen({ port: 0, host: '127.0.0.1' });
    }, 120_000);
    afterAll(async () => {
      await app.close();
      await vulndb.close();
      await db.close();
      await backend.teardown();
    });

    it('an uploaded OSV zip and JSON Lines re-match every affected host at once, with events', async () => {
      // "before" is import 1, and the job's first run (at start) covered it.
      expect(await rematchDone(base, keys.orgAdmin, '/v1/vulnerability-db/imports/1')).toBeDefined();
      for (const h of HOSTS) {
        const r = await call(
          base,
          keys.adminA,
          'POST',
          `/v1/accounts/${ACCOUNT}/resources/${h.id}/inventory`,
          hostInventory(h, data.versions),
        );
        expect(r.status, JSON.stringify(r.json)).toBe(200);
      }
      const touched = (keys: Set<string>): string[] =>
        HOSTS.filter((h) => debianKeysOf(hostInventory(h, data.versions)).some((k) => keys.has(k))).map(
          (h) => h.id,
        );
      const maxSeq = async (): Promise<number> =>
        Number(
          (
            await db.kysely
              .selectFrom('outbox')
              .select((eb) => eb.fn.max('seq').as('m'))
              .executeTakeFirstOrThrow()
          ).m ?? 0,
        );

      // 1. "after" as osv.dev ships it: a zip of one JSON file per record, named as Debian's.
      const zip = zipSync(Object.fromEntries(data.afterLines.map((l, i) => [`DSA-${i}.json`, strToU8(l)])));
      const eventsFrom = await maxSeq();
      const posted = await upload(base, keys.orgAdmin, zip, 'filename=Debian-all.zip');
      expect(posted.status, JSON.stringify(posted.json)).toBe(202);
      expect(posted.location).toBe(`/v1/vulnerability-db/imports/${String(posted.json['id'])}`);
      expect(posted.json).toMatchObject({ id: '2', kind: 'import', feeds: [FEED] });
      // Its re-match starts as the answer leaves (the job's own poll is an hour away).
      expect(posted.json['rematch']).toEqual({ status: 'IN_PROGRESS' });
      const changes = posted.json['changes'] as Record<string, number>;
      expect(Number(changes['new']) + Number(changes['updated'])).toBe(data.afterLines.length);
      expect(changes).toMatchObject({ withdrawn: 0, invalid: 0, enrichmentChanged: false });
      expect(changes['keys']).toBeGreaterThan(0);
      const done = await rematchDone(base, keys.orgAdmin, posted.location ?? '');
      const hosts = touched(data.afterKeys);
      expect(hosts.length).toBeGreaterThan(1);
      expect(hosts.length).toBeLessThan(HOSTS.length);
      expect(done.rematch.run).toMatchObject({
        mode: 'keys',
        fromImport: '1',
        toImport: '2',
        resourcesRematched: hosts.length,
      });
      const created = Number(done.rematch.run?.['findingsCreated']);
      expect(created).toBeGreaterThan(0);
      for (const h of HOSTS)
        expect(await openDecisions(db, ACCOUNT, h.id), h.id).toEqual(
          await scannedDecisions(db, vulndb, ACCOUNT, h.id, new Date()),
        );
      const events = await db.kysely
        .selectFrom('outbox')
        .select(['type', 'payload_json'])
        .where('seq', '>', eventsFrom)
        .execute();
      expect(events.filter((e) => e.type === 'vigil.finding.created')).toHaveLength(created);
      for (const e of events)
        expect(hosts).toContain(
          (JSON.parse(e.payload_json) as { resources: Array<{ id: string }> }).resources[0]?.id,
        );

      // 2. The withdrawal of a record h-web is affected by, as JSON Lines (gzip or not, it is sniffed).
      const webFindings = await db.kysely
        .selectFrom('findings')
        .select(['last_observed_at', findingJson()])
        .where('resource_id', '=', 'h-web')
        .where('status', '=', 'ACTIVE')
        .execute();
      const doc = webFindings
        .map((r) => data.beforeById.get(findingOfRow(r).packageVulnerabilityDetails?.vulnerabilityId ?? ''))
        .find((d): d is OsvDoc => d !== undefined && keysOf(d).includes('Debian:12\0openssl'));
      expect(doc, 'h-web has a finding from an openssl record of "before"').toBeDefined();
      if (!doc) return;
      const withdrawn = await upload(
        base,
        keys.soloAdmin,
        strToU8(withdrawalOf(doc) + '\n'),
        'filename=debian-withdrawn.jsonl',
      );
      expect(withdrawn.status, JSON.stringify(withdrawn.json)).toBe(202);
      expect(withdrawn.json['changes']).toMatchObject({ new: 0, updated: 0, withdrawn: 1 });
      const closedRun = await rematchDone(base, keys.orgAdmin, withdrawn.location ?? '');
      expect(Number(closedRun.rematch.run?.['findingsClosed'])).toBeGreaterThan(0);
      const closed = await db.kysely
        .selectFrom('findings')
        .select(['last_observed_at', findingJson()])
        .where('status', '=', 'CLOSED')
        .execute();
      const closedIds = closed.map((r) => findingOfRow(r).packageVulnerabilityDetails?.vulnerabilityId);
      expect(closedIds).toContain(doc.id);
      for (const h of HOSTS)
        expect(await openDecisions(db, ACCOUNT, h.id), h.id).toEqual(
          await scannedDecisions(db, vulndb, ACCOUNT, h.id, new Date()),
        );

      const list = await get(base, keys.orgAdmin, '/v1/vulnerability-db/imports?limit=2');
      expect((list.json['imports'] as Array<{ id: string }>).map((i) => i.id)).toEqual(['3', '2']);
      expect(leftOver()).toEqual([]);
    }, 120_000);

    it('refuses bad uploads with stable codes and leaves the DB as it was', async () => {
      const before = await vulnDbSnapshot(vulndb);
      const good = data.afterLines[0] ?? '';
      const cases: Array<[string, Uint8Array | undefined, string, number, string, string?]> = [
        ['empty body', undefined, '', 400, 'IMPORT_INPUT_INVALID', 'EMPTY'],
        [
          'garbage',
          strToU8('\u0000\u0001 not a feed at all'),
          '',
          400,
          'IMPORT_INPUT_INVALID',
          'UNRECOGNIZED',
        ],
        [
          'corrupt zip',
          new Uint8Array([0x50, 0x4b, 0x03, 0x04, 9, 9, 9, 9, 1, 2, 3]),
          '',
          400,
          'IMPORT_INPUT_INVALID',
          'UNREADABLE',
        ],
        [
          'not a feed format',
          strToU8('<html>oops</html>\n'),
          'filename=debian.jsonl',
          400,
          'IMPORT_INPUT_INVALID',
          'UNRECOGNIZED',
        ],
        [
          'not JSON Lines',
          strToU8('<html>oops</html>\n'),
          'filename=debian.jsonl&feed=osv',
          400,
          'IMPORT_INPUT_INVALID',
          'MALFORMED',
        ],
        // The first record is good: it must not be written when a later line is broken.
        [
          'a broken line after a good one',
          strToU8(`${good}\n{"id": "CVE-2099-9\n`),
          'filename=debian.jsonl',
          400,
          'IMPORT_INPUT_INVALID',
          'MALFORMED',
        ],
        [
          'JSON, no records',
          strToU8('{"id": 5}\n'),
          'filename=debian.jsonl',
          400,
          'IMPORT_INPUT_INVALID',
          'NO_RECORDS',
        ],
        ['unknown feed', strToU8(good), 'feed=nope', 400, 'VALIDATION'],
        ['a path as filename', strToU8(good), 'filename=..%2Fx.jsonl', 400, 'VALIDATION'],
        ['over the cap', new Uint8Array(CAP + 1), '', 413, 'BODY_TOO_LARGE'],
        ['gzip coding', strToU8(good), '', 415, 'UNSUPPORTED_CONTENT_ENCODING'],
      ];
      for (const [what, body, query, status, code, problem] of cases) {
        const headers: Record<string, string> = what === 'gzip coding' ? { 'content-encoding': 'gzip' } : {};
        const r = await upload(base, keys.orgAdmin, body, query, headers);
        expect({ what, status: r.status, code: r.json['code'] }).toEqual({ what, status, code });
        if (problem) expect((r.json['details'] as Record<string, unknown>)['problem'], what).toBe(problem);
        expect(JSON.stringify(r.json), what).not.toContain(join(dir, 'tmp'));
      }
      // Over the cap without a declared length (chunked): cut at the cap, the client still reads the 413.
      const chunked = gatedBody(new Uint8Array(CAP / 2));
      const over = upload(base, keys.orgAdmin, chunked.body);
      chunked.release(new Uint8Array(CAP));
      expect((await over).json['code']).toBe('BODY_TOO_LARGE');
      expect(await vulnDbSnapshot(vulndb)).toEqual(before);
      expect(leftOver()).toEqual([]);
    }, 60_000);

    it('takes one upload at a time: a second one meanwhile is 409 IMPORT_IN_PROGRESS', async () => {
      const slow = gatedBody(strToU8('{"schema_version": "1.6.0", '));
      const first = upload(base, keys.orgAdmin, slow.body, 'filename=debian.jsonl');
      // The server is receiving it once its temp dir exists.
      for (let i = 0; i < 500 && leftOver().length === 0; i++) await new Promise((r) => setTimeout(r, 10));
      expect(leftOver()).toHaveLength(1);
      const second = await upload(
        base,
        keys.orgAdmin,
        strToU8(data.afterLines[0] ?? ''),
        'filename=debian.jsonl',
      );
      expect({ status: second.status, code: second.json['code'] }).toEqual({
        status: 409,
        code: 'IMPORT_IN_PROGRESS',
      });
      slow.release(strToU8('"id": "CVE-2099-1", "modified": "2025-01-01T00:00:00Z"}\n'));
      const answer = await first;
      expect(answer.status, JSON.stringify(answer.json)).toBe(202);
    }, 60_000);

    it('only a server admin may upload or read the import log', async () => {
      const body = strToU8(data.afterLines[0] ?? '');
      for (const [who, key, status] of [
        ['no key', undefined, 401],
        ['member of a member account', keys.memberA, 403],
        ['admin of a member account', keys.adminA, 403],
        ['read-only key of the delegated admin', keys.readOnlyOrg, 403],
      ] as const) {
        const before = await vulnDbSnapshot(vulndb);
        const r = await upload(base, key, body, 'filename=debian.jsonl');
        expect({ who, status: r.status }).toEqual({ who, status });
        expect(await vulnDbSnapshot(vulndb)).toEqual(before);
        if (key) expect((await get(base, key, '/v1/vulnerability-db/imports')).status, who).toBe(403);
      }
      expect((await get(base, keys.soloAdmin, '/v1/vulnerability-db/imports/999')).json['code']).toBe(
        'NOT_FOUND',
      );
      const doc = (await call(base, keys.orgAdmin, 'GET', '/openapi.json')).json as {
        paths: Record<string, Record<string, { requestBody?: { content: Record<string, unknown> } }>>;
      };
      const post = doc.paths['/v1/vulnerability-db/imports']?.['post'];
      expect(Object.keys(post?.requestBody?.content ?? {})).toContain('application/zip');
      expect(doc.paths['/v1/vulnerability-db/imports/{importId}']?.['get']).toBeDefined();
    });
  },
);

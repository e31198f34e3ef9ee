import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import { storedRowsQuery } from '../../src/findings/finding-rematch.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { rematchStoredInventories } from '../../src/scan/rematch-run.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { cutDataChange, FEED, hostInventory, type DataChange, type HostSpec } from './rematch-data.js';
import { planOf } from './query-plan.js';
import { openDecisions, scannedDecisions } from './vulndb-upload-harness.js';
import { BACKENDS } from './service-db-backends.js';
import { submitInline } from './submit-inline.js';

/**
 * A change that only adds records (a new advisory, the common case) is re-matched narrowed to the
 * findings the new records can reach (src/scan/rematch-record-scope.ts). The oracle is the same as for
 * any re-match: each host's open findings equal a fresh scan of its inventory against the new data, and
 * a full re-match afterwards finds nothing left to change. The new records are the real Debian records
 * of "after" that "before" did not hold, plus three written here for the cases narrowing must not miss:
 * - a record on a package with many stored findings (all versions affected): one created per host;
 * - a record aliasing a CVE a host already has a finding for: that finding gains a related id (updated);
 * - a CVE record aliasing a GHSA-only finding: the group's preferred id becomes the CVE, so the finding
 *   stored under the GHSA closes and one under the CVE is created.
 */
const ACCOUNT = 'acct-1';
const HOSTS: HostSpec[] = [
  { id: 'h-web', release: '12', sources: ['openssl', 'curl', 'zlib', 'nghttp2'] },
  { id: 'h-ssh', release: '12', sources: ['ncurses', 'gnutls28', 'openssh', 'openssl'] },
  { id: 'h-old', release: '11', sources: ['openssl', 'krb5', 'perl'] },
  { id: 'h-xml', release: '12', sources: ['libxml2', 'libxslt', 'expat', 'sqlite3'] },
  { id: 'h-node', release: '12', sources: ['zlib'], npm: [['left-pad', '1.3.0']] },
];
const NPM_FEED = 'osv-vigil-test';
const T0 = new Date('2026-06-01T00:00:00.000Z');
const T1 = new Date('2026-06-02T00:00:00.000Z');

let dir: string;
let data: DataChange;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-new-'));
  data = await cutDataChange(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function osv(id: string, ecosystem: string, name: string, aliases: string[] = []): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified: '2026-06-01T00:00:00Z',
    published: '2026-06-01T00:00:00Z',
    aliases,
    summary: 'vigil test record',
    affected: [
      {
        package: { ecosystem, name },
        ranges: [{ type: ecosystem === 'npm' ? 'SEMVER' : 'ECOSYSTEM', events: [{ introduced: '0' }] }],
      },
    ],
  });
}

async function seedAccount(db: ServiceDb): Promise<void> {
  const at = T0.toISOString();
  await db.kysely
    .insertInto('organizations')
    .values({ id: 'o1', name: 'Org', delegated_admin_account_id: ACCOUNT, created_at: at })
    .execute();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: ACCOUNT,
      name: 'A',
      organization_id: 'o1',
      host_scanning: 1,
      image_scanning: 0,
      network_scanning: 0,
      created_at: at,
    })
    .execute();
}

/** Status by vulnerability id of a host's findings of one package key. */
async function statuses(db: ServiceDb, resourceId: string, packageKey: string): Promise<Map<string, string>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['vulnerability_id', 'status'])
    .where('account_id', '=', ACCOUNT)
    .where('resource_id', '=', resourceId)
    .where('package_key', '=', packageKey)
    .execute();
  return new Map(rows.map((r) => [r.vulnerability_id ?? '', r.status]));
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  're-match of a change that only adds records (%s)',
  (_, make) => {
    const backend = make();
    beforeAll(() => backend.setup(), 120_000);
    afterAll(() => backend.teardown());

    it('compares only what the new records reach, and ends where a fresh scan does', async () => {
      const vulndb = await openVulnDb(join(dir, `vulndb-${backend.name}.sqlite`));
      const { db } = await backend.fresh();
      let clock = T0;
      const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => clock };
      try {
        const npmBefore = join(dir, `npm-before-${backend.name}.jsonl`);
        writeFileSync(npmBefore, osv('GHSA-vgtt-0000-0001', 'npm', 'left-pad') + '\n');
        await vulndb.import([await osvFeed(data.beforeFile, FEED), await osvFeed(npmBefore, NPM_FEED)]);
        await seedAccount(db);
        for (const h of HOSTS) {
          const body = hostInventory(h, data.versions);
          await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: h.id, body });
        }
        expect(await rematchFromImportLog(ctx, vulndb)).toMatchObject({ mode: 'full', changed: 0 });

        const web = await statuses(db, 'h-web', 'deb:openssl');
        const cve = [...web].find(([id, status]) => id.startsWith('CVE-') && status === 'ACTIVE')?.[0];
        expect(cve, 'h-web has an open openssl CVE finding from "before"').toBeDefined();
        expect(web.size, 'openssl has many stored findings on h-web').toBeGreaterThan(5);
        expect((await statuses(db, 'h-node', 'npm:left-pad')).get('GHSA-vgtt-0000-0001')).toBe('ACTIVE');

        const fresh = data.afterLines.filter(
          (l) => !data.beforeById.has((JSON.parse(l) as { id: string }).id),
        );
        expect(fresh.length, '"after" holds records "before" did not').toBeGreaterThan(0);
        const debFile = join(dir, `deb-new-${backend.name}.jsonl`);
        writeFileSync(
          debFile,
          [
            ...fresh,
            osv('VIGIL-NEW-ALL', 'Debian:12', 'openssl'),
            osv('VIGIL-NEW-ALIAS', 'Debian:12', 'openssl', [cve ?? '']),
          ].join('\n') + '\n',
        );
        const npmFile = join(dir, `npm-new-${backend.name}.jsonl`);
        writeFileSync(npmFile, osv('CVE-2099-0001', 'npm', 'left-pad', ['GHSA-vgtt-0000-0001']) + '\n');
        const change = await vulndb.import([await osvFeed(debFile, FEED), await osvFeed(npmFile, NPM_FEED)]);
        expect(change.updated).toEqual([]);
        expect(change.withdrawn).toEqual([]);

        clock = T1;
        const run = await rematchFromImportLog(ctx, vulndb);
        expect(run).toMatchObject({ mode: 'keys', newRecords: change.new.length });
        expect(run?.newRecords).toBeGreaterThan(3);
        expect(run?.created).toBeGreaterThan(0);
        expect(run?.updated).toBeGreaterThan(0);
        expect(run?.closed).toBeGreaterThan(0);

        // Each case, on the hosts it concerns.
        for (const id of ['h-web', 'h-ssh'])
          expect((await statuses(db, id, 'deb:openssl')).get('VIGIL-NEW-ALL')).toBe('ACTIVE');
        expect((await statuses(db, 'h-old', 'deb:openssl')).has('VIGIL-NEW-ALL')).toBe(false);
        const node = await statuses(db, 'h-node', 'npm:left-pad');
        expect([node.get('GHSA-vgtt-0000-0001'), node.get('CVE-2099-0001')]).toEqual(['CLOSED', 'ACTIVE']);
        const merged = await db.kysely
          .selectFrom('findings')
          .select(['id', 'last_observed_at', findingJson()])
          .where('resource_id', '=', 'h-web')
          .where('vulnerability_id', '=', cve ?? '')
          .executeTakeFirstOrThrow();
        expect(findingOfRow(merged).packageVulnerabilityDetails?.relatedVulnerabilities).toContain(
          'VIGIL-NEW-ALIAS',
        );

        for (const h of HOSTS)
          expect(await openDecisions(db, ACCOUNT, h.id), h.id).toEqual(
            await scannedDecisions(db, vulndb, ACCOUNT, h.id, T1),
          );
        const full = await rematchStoredInventories(ctx, vulndb.store, undefined);
        expect(full).toMatchObject({ mode: 'full', rematched: HOSTS.length, changed: 0, newRecords: 0 });

        // The narrowed read seeks each host's packages in the resource index and keeps the ids there.
        const narrowedRead = storedRowsQuery(db.kysely, [
          {
            accountId: ACCOUNT,
            resourceId: 'h-web',
            scope: ['deb:openssl'],
            vulnerabilityIds: [cve ?? ''],
            findings: [],
            now: T1,
          },
        ]);
        const plan = await planOf(db, narrowedRead);
        expect(plan).not.toMatch(/findings_vulnerability|SCAN findings\b|Seq Scan on findings/);
        // PostgreSQL on a few rows picks among its indexes by cost (here the account's status index).
        if (db.dialect === 'sqlite') expect(plan).toMatch(/COVERING INDEX findings_resource_key/);
      } finally {
        await vulndb.close();
        await db.close();
      }
    }, 180_000);
  },
);

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { osvFeed } from '../../src/feeds/osv/osv-feed.js';
import { scanDigest } from '../../src/findings/finding-digest.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { rematchFromImportLog } from '../../src/scan/rematch-from-log.js';
import { rematchStoredInventories } from '../../src/scan/rematch-run.js';
import { submitInline } from './submit-inline.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import {
  cutDataChange,
  debianKeysOf,
  FEED,
  hostInventory,
  keysOf,
  withdrawalOf,
  type DataChange,
  type HostSpec,
} from './rematch-data.js';
import { openDecisions, scannedDecisions } from './vulndb-upload-harness.js';
import { BACKENDS } from './service-db-backends.js';

/**
 * Issue 12's data update: a service holds host inventories matched against "before" (real Debian OSV
 * records cut by `modified`); "after" and the withdrawal of a record some hosts were affected by are
 * imported through a second handle on the same vulnerability DB file (as `vigil db import --db` beside
 * the server). The re-match driven by the DB's import log must touch exactly the hosts holding a
 * changed (ecosystem, package) key, leave every other host's findings byte for byte, write the
 * lifecycle events, and leave each host's findings equal to a fresh scan of its inventory against the
 * new data (the oracle: the scan path, which a real re-submission then confirms changes nothing).
 */
const ACCOUNT = 'acct-1';
const HOSTS: HostSpec[] = [
  { id: 'h-web', release: '12', sources: ['openssl', 'curl', 'zlib', 'nghttp2'] },
  { id: 'h-admin', release: '12', sources: ['sudo', 'tar', 'bash', 'shadow'] },
  { id: 'h-app', release: '12', sources: ['e2fsprogs', 'libssh2'], npm: [['lodash', '4.17.21']] },
  { id: 'h-old', release: '11', sources: ['openssl', 'krb5', 'perl'] },
  { id: 'h-desk', release: '12', sources: ['systemd', 'glib2.0', 'libgcrypt20'] },
  { id: 'h-xml', release: '12', sources: ['libxml2', 'libxslt', 'expat', 'sqlite3'] },
  { id: 'h-ssh', release: '12', sources: ['ncurses', 'gnutls28', 'openssh', 'openssl'] },
  { id: 'h-base', release: '12', sources: ['zlib', 'tar', 'ncurses', 'libgcrypt20'] },
  { id: 'h-node', release: '12', sources: [], npm: [['left-pad', '1.3.0']] },
];
const T0 = new Date('2026-06-01T00:00:00.000Z');
const T1 = new Date('2026-06-02T00:00:00.000Z');

let dir: string;
let data: DataChange;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-'));
  data = await cutDataChange(dir);
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function seedAccount(db: ServiceDb): Promise<void> {
  await db.kysely
    .insertInto('organizations')
    .values({ id: 'o1', name: 'Org', delegated_admin_account_id: ACCOUNT, created_at: T0.toISOString() })
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
      created_at: T0.toISOString(),
    })
    .execute();
}

/** Every finding of the account by resource: stored id → finding JSON. */
async function findingJsonByResource(db: ServiceDb): Promise<Map<string, Map<string, string>>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['id', 'resource_id', 'last_observed_at', findingJson()])
    .where('account_id', '=', ACCOUNT)
    .execute();
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    const m = out.get(r.resource_id ?? '') ?? new Map<string, string>();
    m.set(r.id, JSON.stringify(findingOfRow(r)));
    out.set(r.resource_id ?? '', m);
  }
  return out;
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  're-match after an import (%s)',
  (_, make) => {
    const backend = make();
    beforeAll(() => backend.setup(), 120_000);
    afterAll(() => backend.teardown());

    it('re-matches only the touched hosts, equal to a fresh scan, with events', async () => {
      const vulnFile = join(dir, `vulndb-${backend.name}.sqlite`);
      const vulndb = await openVulnDb(vulnFile);
      const { db } = await backend.fresh();
      let clock = T0;
      const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => clock };
      try {
        await vulndb.import([await osvFeed(data.beforeFile, FEED)]);
        await seedAccount(db);
        const inventories = new Map(HOSTS.map((h) => [h.id, hostInventory(h, data.versions)]));
        for (const [id, inv] of inventories)
          await submitInline(ctx, vulndb.store, { accountId: ACCOUNT, resourceId: id, body: inv });

        // The first run against this DB re-matches everything, and against the data the scans used
        // it changes nothing.
        const first = await rematchFromImportLog(ctx, vulndb);
        expect(first).toMatchObject({ mode: 'full', fullBecause: 'first-run', changed: 0, created: 0 });
        expect(first?.rematched).toBe(HOSTS.length);
        expect(await rematchFromImportLog(ctx, vulndb)).toBeUndefined();

        // "after", and the withdrawal of a record h-web was affected by, through another handle.
        const webFindings = (await findingJsonByResource(db)).get('h-web') ?? new Map<string, string>();
        const withdrawn = [...webFindings.values()]
          .map((j) => (JSON.parse(j) as Finding).packageVulnerabilityDetails?.vulnerabilityId ?? '')
          .map((id) => data.beforeById.get(id))
          .find((doc) => doc !== undefined && keysOf(doc).includes('Debian:12\0openssl'));
        expect(withdrawn, 'h-web has a finding from an openssl record of "before"').toBeDefined();
        if (!withdrawn) return;
        const afterFile = join(dir, `after-${backend.name}.jsonl`);
        writeFileSync(afterFile, [...data.afterLines, withdrawalOf(withdrawn)].join('\n') + '\n');
        const changedKeys = new Set([...data.afterKeys, ...keysOf(withdrawn)]);
        const beforeRematch = await findingJsonByResource(db);
        const { maxSeq } = await db.kysely
          .selectFrom('outbox')
          .select((eb) => eb.fn.max('seq').as('maxSeq'))
          .executeTakeFirstOrThrow();
        const beside = await openVulnDb(vulnFile);
        const change = await beside.import([await osvFeed(afterFile, FEED)]);
        await beside.close();
        expect(change.withdrawn).toEqual([withdrawn.id]);

        clock = T1;
        const run = await rematchFromImportLog(ctx, vulndb);
        const touched = HOSTS.filter((h) => {
          const inv = inventories.get(h.id);
          return inv !== undefined && debianKeysOf(inv).some((k) => changedKeys.has(k));
        }).map((h) => h.id);
        const untouched = HOSTS.map((h) => h.id).filter((id) => !touched.includes(id));
        expect(touched.length).toBeGreaterThan(1);
        expect(untouched.length).toBeGreaterThan(1);
        // Records updated and withdrawn: whole package scopes compared, not narrowed to new records.
        expect(run).toMatchObject({
          mode: 'keys',
          selected: touched.length,
          rematched: touched.length,
          newRecords: 0,
        });
        expect(run?.keys).toBe(change.keys.length);
        expect(run?.created).toBeGreaterThan(0);
        expect(run?.closed).toBeGreaterThan(0);

        const afterRematch = await findingJsonByResource(db);
        for (const id of untouched) expect(afterRematch.get(id), id).toEqual(beforeRematch.get(id));
        for (const h of HOSTS)
          expect(await openDecisions(db, ACCOUNT, h.id), h.id).toEqual(
            await scannedDecisions(db, vulndb, ACCOUNT, h.id, T1),
          );
        // Each stored digest (the re-match hands its templates' over) is the digest of its finding.
        const rows = await db.kysely
          .selectFrom('findings')
          .select(['id', 'match_digest', 'last_observed_at', findingJson()])
          .where('package_key', 'is not', null)
          .execute();
        expect(rows.filter((r) => r.match_digest !== scanDigest(findingOfRow(r)))).toEqual([]);

        // The events: one per finding created, updated or closed, of touched hosts only, no scan event.
        const events = await db.kysely
          .selectFrom('outbox')
          .select(['type', 'subject', 'payload_json'])
          .where('seq', '>', Number(maxSeq ?? 0))
          .execute();
        const byType = (t: string): string[] => events.filter((e) => e.type === t).map((e) => e.subject);
        expect(byType('vigil.finding.created')).toHaveLength(run?.created ?? -1);
        expect(byType('vigil.finding.closed')).toHaveLength(run?.closed ?? -1);
        expect(byType('vigil.finding.updated')).toHaveLength(run?.updated ?? -1);
        expect(events).toHaveLength((run?.created ?? 0) + (run?.closed ?? 0) + (run?.updated ?? 0));
        for (const e of events) {
          const f = JSON.parse(e.payload_json) as { resources: Array<{ id: string }> };
          expect(touched).toContain(f.resources[0]?.id);
        }
        const closedNow = [...(afterRematch.get('h-web') ?? new Map<string, string>()).values()]
          .map((j) => JSON.parse(j) as Finding)
          .filter((f) => f.status === 'CLOSED');
        expect(closedNow.map((f) => f.packageVulnerabilityDetails?.vulnerabilityId)).toContain(withdrawn.id);
        for (const f of closedNow) expect(byType('vigil.finding.closed')).toContain(f.id);

        // Nothing left to do: a full re-match changes nothing, and neither does a real re-submission.
        const full = await rematchStoredInventories(ctx, vulndb.store, undefined);
        expect(full).toMatchObject({ mode: 'full', rematched: HOSTS.length, changed: 0 });
        for (const [id, inv] of inventories) {
          const s = await submitInline(ctx, vulndb.store, {
            accountId: ACCOUNT,
            resourceId: id,
            body: inv,
          });
          expect({ id, created: s.created, updated: s.updated, closed: s.closed }).toEqual({
            id,
            created: 0,
            updated: 0,
            closed: 0,
          });
        }
      } finally {
        await vulndb.close();
        await db.close();
      }
    }, 180_000);
  },
);

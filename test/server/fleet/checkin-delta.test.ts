import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../../src/feeds/feed-import.js';
import { observeOutsideScope } from '../../../src/findings/finding-observe.js';
import { findingJson, findingOfRow } from '../../../src/findings/finding-rows.js';
import { rematchStoredInventories } from '../../../src/scan/rematch-run.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { BACKENDS } from '../service-db-backends.js';
import { debianInventory, inventoryHash, type Host } from './agent-client.js';
import { openFleetVulnDb, startFleetServer, type FleetServer } from './fleet-server.js';

const MACHINE = 'd0000000000000000000000000000001';

/** A Debian 12 advisory imported mid-test: vigil-testlib below 1.5-1 (the host runs 1.0-1). */
const LATE_ADVISORY = {
  schema_version: '1.6.0',
  id: 'DEBIAN-CVE-2099-0078',
  modified: '2026-02-01T00:00:00Z',
  published: '2026-02-01T00:00:00Z',
  aliases: ['CVE-2099-0078'],
  summary: 'an advisory imported after the host was matched, not re-matched yet',
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'vigil-testlib' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.5-1' }] }],
    },
  ],
};

/**
 * The host's inventory with the npm package first: purging it moves every Debian package one place
 * down, which a full re-index writes and a delta check-in leaves alone (the Debian component did not
 * change), so the stored index tells which path ran.
 */
function inventory(leftpad: boolean): Record<string, unknown> {
  const full = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
  const [deb, npm] = full['packages'] as unknown[];
  return { ...full, packages: leftpad ? [npm, deb] : [deb] };
}

interface Side {
  db: ServiceDb;
  f: FleetServer;
  host: Host;
}

for (const make of BACKENDS) {
  const backend = make();
  describe(`delta check-ins of a known host, on ${backend.name}`, () => {
    let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
    // `delta`: the server has the import log and its re-match caught up; `whole`: it matches every
    // check-in whole, as before. The same check-ins at the same times go to both.
    let delta: Side;
    let whole: Side;

    async function side(importLog: boolean): Promise<Side> {
      const db = (await backend.fresh()).db;
      const f = await startFleetServer(db, vulns.vulns, {}, importLog);
      if (importLog) await f.runJob('rematch');
      const host = await f.enroll(await f.createToken(), MACHINE);
      return { db, f, host };
    }

    async function both(leftpad: boolean, seconds: number): Promise<void> {
      const inv = inventory(leftpad);
      for (const s of [delta, whole]) {
        s.f.advance(seconds);
        const r = await s.f.checkin(s.host, { hash: inventoryHash(inv), inventory: inv });
        expect(r.status).toBe(200);
      }
    }

    // Every column, and the finding as readers see it (its document with the observation overlaid).
    const findings = async (s: Side) =>
      (
        await s.db.kysely
          .selectFrom('findings')
          .selectAll()
          .select(findingJson())
          .where('resource_id', '=', `host:${MACHINE}`)
          .orderBy('id')
          .execute()
      ).map(({ finding_json, ...row }) => ({ ...row, finding: findingOfRow({ ...row, finding_json }) }));
    const events = async (s: Side) =>
      (
        await s.db.kysely
          .selectFrom('outbox')
          .select(['type', 'subject', 'payload_json'])
          .orderBy('seq')
          .execute()
      ).map((e) => {
        const data = JSON.parse(e.payload_json) as Record<string, unknown>;
        delete data['scanId']; // a new id per scan
        return { type: e.type, subject: e.subject, data };
      });
    // Two stores give the same finding different ids (finding-ids.ts: creation order); across them a
    // finding is its identity.
    const byIdentity = async (s: Side) => {
      const rows = await findings(s);
      const identity = new Map(rows.map((r) => [r.id, `identity:${r.identity_key}`]));
      const rename = (id: string) => identity.get(id) ?? id;
      return {
        rows: rows
          .map((r) => ({ ...r, id: rename(r.id), finding: { ...r.finding, id: rename(r.finding.id) } }))
          .sort((a, b) => a.id.localeCompare(b.id)),
        events: (await events(s)).map((e) => {
          const data = typeof e.data['id'] === 'string' ? { ...e.data, id: rename(e.data['id']) } : e.data;
          return { ...e, subject: rename(e.subject), data };
        }),
      };
    };
    const positions = async (s: Side) =>
      (
        await s.db.kysely
          .selectFrom('inventory_packages')
          .select(['package_key', 'positions_json'])
          .where('resource_id', '=', `host:${MACHINE}`)
          .orderBy('package_key')
          .execute()
      ).map((r) => `${r.package_key} ${r.positions_json}`);

    /** The component keys a full re-match reads instead of the rows (m0028). */
    const componentKeys = async (s: Side) =>
      (
        await s.db.kysely
          .selectFrom('inventories')
          .select('component_keys_json')
          .where('resource_id', '=', `host:${MACHINE}`)
          .executeTakeFirstOrThrow()
      ).component_keys_json;

    /**
     * A full re-match of the side's stored inventory. After either check-in path it reads no host: the
     * scan recorded the digest of what it stored, and the re-match's result has it.
     */
    const vouched = async (s: Side) => {
      const ctx = { db: s.db.kysely, dialect: s.db.dialect, now: () => s.f.clock.now };
      return rematchStoredInventories(ctx, vulns.vulns.store, undefined);
    };

    beforeAll(async () => {
      await backend.setup();
      vulns = await openFleetVulnDb();
      delta = await side(true);
      whole = await side(false);
    });
    afterAll(async () => {
      for (const s of [delta, whole]) {
        await s.f.close();
        await s.db.close();
      }
      await vulns.close();
      await backend.teardown();
    });

    it('purge: exactly its findings close, the rest are observed again; reinstall: the same ids reopen', async () => {
      await both(true, 0);
      const first = await findings(delta);
      expect(first.map((r) => [r.vulnerability_id, r.status])).toEqual(
        expect.arrayContaining([
          ['CVE-2099-0001', 'ACTIVE'],
          ['CVE-2099-0002', 'ACTIVE'],
        ]),
      );
      expect(first).toHaveLength(2);
      const t1 = first[0]?.last_observed_at;

      await both(false, 60); // leftpad-vigil purged
      const t2 = delta.f.clock.now.toISOString();
      const afterPurge = await findings(delta);
      const npm = afterPurge.find((r) => r.package_key?.startsWith('npm:'));
      const deb = afterPurge.find((r) => !r.package_key?.startsWith('npm:'));
      expect([npm?.status, npm?.closed_at]).toEqual(['CLOSED', t2]);
      expect([deb?.status, deb?.last_observed_at, deb?.updated_at]).toEqual(['ACTIVE', t2, t1]);
      expect([deb?.finding.lastObservedAt, deb?.finding.resources[0]?.details['lastInventoryAt']]).toEqual([
        t2,
        t2,
      ]);
      // The Debian component was not indexed again (the whole path moved it to place 0).
      expect(await positions(delta)).toEqual(['deb:vigil-testlib [1]']);
      expect(await positions(whole)).toEqual(['deb:vigil-testlib [0]']);
      // …but its component keys are the whole inventory's, as the whole path writes them.
      const keys = await componentKeys(whole);
      expect(JSON.parse(keys ?? '[]')).toHaveLength(1);
      expect(await componentKeys(delta)).toEqual(keys);
      for (const s of [delta, whole])
        expect(await vouched(s)).toMatchObject({ rematched: 1, compared: 0, changed: 0 });

      await both(true, 60); // reinstalled
      const t3 = delta.f.clock.now.toISOString();
      const again = await findings(delta);
      expect(again.map((r) => r.id)).toEqual(first.map((r) => r.id));
      expect(again.map((r) => [r.status, r.last_observed_at, r.closed_at])).toEqual([
        ['ACTIVE', t3, null],
        ['ACTIVE', t3, null],
      ]);
      for (const s of [delta, whole])
        expect(await vouched(s)).toMatchObject({ rematched: 1, compared: 0, changed: 0 });
    });

    it('an import the re-match has not caught up with yet: the unchanged inventory is matched whole', async () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-checkin-delta-'));
      try {
        writeFileSync(join(dir, 'DEBIAN-CVE-2099-0078.json'), JSON.stringify(LATE_ADVISORY));
        await vulns.vulns.import(await batchesForPaths([join(dir, 'DEBIAN-CVE-2099-0078.json')], 'osv'));
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      await both(true, 60);
      const ids = (await findings(delta)).map((r) => r.vulnerability_id).sort();
      expect(ids).toEqual(['CVE-2099-0001', 'CVE-2099-0002', 'CVE-2099-0078']);
    });

    it('writes the same rows and events, byte for byte, as matching every check-in whole', async () => {
      // Every column of every finding (its JSON included) and every event's payload.
      const [d, w] = [await byIdentity(delta), await byIdentity(whole)];
      expect(d.rows).toHaveLength(3);
      expect(d.rows).toEqual(w.rows);
      expect(d.events).toEqual(w.events);
      const ev = d.events;
      const scans = ev.filter((e) => e.type === 'vigil.scan.completed').map((e) => e.data);
      expect(scans.map((d) => [d['created'], d['updated'], d['observed'], d['closed']])).toEqual([
        [2, 0, 0, 0],
        [0, 0, 1, 1],
        [0, 1, 1, 0],
        [1, 0, 2, 0],
      ]);
      expect(scans[1]?.['severityCounts']).toMatchObject({ total: 1 });
    });

    it('observes in place: only the narrow row moves, readers see both times moved, in-scope rows untouched', async () => {
      // Copies of a stored finding on another resource, with text outside ASCII and either key order.
      const [model] = await findings(delta);
      if (!model) throw new Error('no stored finding to copy');
      const resourceId = 'host:observe-bytes';
      const variant = (i: number): Record<string, unknown> => {
        const block = { ...model.finding.resources[0], id: resourceId };
        const f = {
          ...model.finding,
          id: `observe-${i}`,
          resources: [block],
          description: `é—ü 😀 "\\ ${i}`,
        };
        if (i % 2 === 0) return f;
        const { resources, ...rest } = f;
        return { resources, ...rest };
      };
      const { finding: _model, ...columns } = model;
      const copies = [0, 1, 2, 3].map((i) => ({
        ...columns,
        id: `observe-${i}`,
        identity_key: `observe-${i}`,
        resource_id: resourceId,
        package_key: i === 3 ? 'deb:in-scope' : columns.package_key,
      }));
      const docs = copies.map((c, i) => ({ id: c.id, finding_json: JSON.stringify(variant(i)) }));
      await delta.db.kysely.insertInto('findings').values(copies).execute();
      await delta.db.kysely.insertInto('finding_documents').values(docs).execute();
      const now = '2031-02-03T04:05:06.789Z';
      const observed = await delta.db.kysely.transaction().execute((trx) =>
        observeOutsideScope(trx, {
          accountId: model.account_id,
          resourceId,
          types: ['PACKAGE_VULNERABILITY'],
          scope: ['deb:in-scope'],
          now,
        }),
      );
      expect(observed).toHaveLength(3);
      const rows = await delta.db.kysely
        .selectFrom('findings')
        .select(['id', 'last_observed_at', findingJson()])
        .where('resource_id', '=', resourceId)
        .orderBy('id')
        .execute();
      // The documents are not written; the rows outside the scope carry the new time.
      expect(rows.map((r) => [r.id, r.finding_json, r.last_observed_at])).toEqual(
        docs.map((d, i) => [d.id, d.finding_json, i === 3 ? model.last_observed_at : now]),
      );
      // What a reader gets: what JSON.stringify writes for the finding with its two times moved, in place.
      const seen = rows.map((r) => JSON.stringify(findingOfRow(r)));
      const expected = docs.map((d, i) => {
        if (i === 3) return d.finding_json;
        const f = JSON.parse(d.finding_json) as Record<string, unknown> & {
          resources: Array<{ details: Record<string, unknown> }>;
        };
        f['lastObservedAt'] = now;
        const details = f.resources[0]?.details ?? {};
        expect(details['lastInventoryAt']).toEqual(expect.any(String));
        details['lastInventoryAt'] = now;
        return JSON.stringify(f);
      });
      expect(seen).toEqual(expected);
    });
  });
}

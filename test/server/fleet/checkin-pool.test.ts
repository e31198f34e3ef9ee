import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../../src/feeds/feed-import.js';
import type { Inventory } from '../../../src/core/inventory.js';
import { scanTarget } from '../../../src/scan/scan-service.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { BACKENDS } from '../service-db-backends.js';
import { checkin, debianInventory, inventoryHash, type Host } from './agent-client.js';
import { openFleetVulnDb, startFleetServer, tableCounts, type FleetServer } from './fleet-server.js';

/** A Debian 12 advisory imported mid-test: vigil-testlib below 1.5-1 (the host runs 1.0-1). */
const LATE_ADVISORY = {
  schema_version: '1.6.0',
  id: 'DEBIAN-CVE-2099-0077',
  modified: '2026-02-01T00:00:00Z',
  published: '2026-02-01T00:00:00Z',
  aliases: ['CVE-2099-0077'],
  summary: 'an advisory published after the host was first matched',
  affected: [
    {
      package: { ecosystem: 'Debian:12', name: 'vigil-testlib' },
      ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '1.5-1' }] }],
    },
  ],
};

for (const make of BACKENDS) {
  const backend = make();
  describe(`check-ins on the worker threads, on ${backend.name}`, () => {
    let db: ServiceDb;
    let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
    let f: FleetServer;
    let token: string;
    const scratch = mkdtempSync(join(tmpdir(), 'vigil-checkin-pool-'));

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      vulns = await openFleetVulnDb();
      f = await startFleetServer(db, vulns.vulns);
      token = await f.createToken();
    });
    afterAll(async () => {
      await f.close();
      await db.close();
      await vulns.close();
      await backend.teardown();
      rmSync(scratch, { recursive: true, force: true });
    });

    async function vulnerabilityIds(host: Host): Promise<string[]> {
      const rows = await db.kysely
        .selectFrom('findings')
        .select('vulnerability_id')
        .where('resource_id', '=', host.resourceId)
        .where('status', '!=', 'CLOSED')
        .execute();
      return rows.map((r) => r.vulnerability_id ?? '').sort();
    }

    it('finds what THE scan service finds, and sees an advisory imported after the thread read the package', async () => {
      const host = await f.enroll(token, 'a0000000000000000000000000000001');
      const inventory = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
      const beat = { hash: inventoryHash(inventory), inventory };
      expect((await f.checkin(host, beat)).status).toBe(200);
      const direct = await scanTarget(
        { kind: 'inventory', inventory: inventory as unknown as Inventory },
        { store: vulns.vulns.store },
      );
      const expected = direct.findings.map((x) => x.packageVulnerabilityDetails?.vulnerabilityId ?? '');
      expect(expected).toHaveLength(2);
      expect(await vulnerabilityIds(host)).toEqual(expected.sort());

      // The thread has read vigil-testlib's rows; an import commits a new record for it.
      writeFileSync(join(scratch, 'DEBIAN-CVE-2099-0077.json'), JSON.stringify(LATE_ADVISORY));
      await vulns.vulns.import(await batchesForPaths([join(scratch, 'DEBIAN-CVE-2099-0077.json')], 'osv'));
      f.advance(60);
      expect((await f.checkin(host, beat)).status).toBe(200);
      expect(await vulnerabilityIds(host)).toEqual([...expected, 'CVE-2099-0077'].sort());
    });

    it('heartbeats that arrive together are written together, each with its own facts', async () => {
      const hosts: Host[] = [];
      for (let i = 0; i < 12; i++) hosts.push(await f.enroll(token, `b${String(i).padStart(31, '0')}`));
      f.advance(30);
      const replies = await Promise.all(
        hosts.map((h, i) =>
          checkin(f.base, h, {
            hash: 'f'.repeat(64),
            sentAt: f.clock.now.toISOString(),
            extra: { hostname: `beat-${i}`, ipAddresses: [`10.200.7.${i + 1}`] },
          }),
        ),
      );
      expect(replies.map((r) => r.status)).toEqual(hosts.map(() => 200));
      const rows = await db.kysely
        .selectFrom('host_agents')
        .select(['resource_id', 'hostname', 'ip_addresses_json', 'last_checkin_at'])
        .where(
          'resource_id',
          'in',
          hosts.map((h) => h.resourceId),
        )
        .execute();
      const byResource = new Map(rows.map((r) => [r.resource_id, r]));
      hosts.forEach((h, i) => {
        expect(byResource.get(h.resourceId)).toEqual({
          resource_id: h.resourceId,
          hostname: `beat-${i}`,
          ip_addresses_json: JSON.stringify([`10.200.7.${i + 1}`]),
          last_checkin_at: f.clock.now.toISOString(),
        });
      });
    });

    it('past the bound of check-ins in flight: 503 SERVER_BUSY with Retry-After, nothing written; heartbeats pass', async () => {
      const other = (await backend.fresh()).db;
      const full = await startFleetServer(other, vulns.vulns, { maxQueuedSubmissions: 0 });
      try {
        const host = await full.enroll(await full.createToken(), 'c0000000000000000000000000000001');
        const inventory = debianInventory({ testlib: '1.0-1' });
        const before = await tableCounts(other);
        const res = await fetchCheckin(full.base, host, inventory, full.clock.now);
        expect(res.status).toBe(503);
        expect(res.retryAfter).toBe('5');
        expect(res.json).toMatchObject({ code: 'SERVER_BUSY' });
        expect(await tableCounts(other)).toEqual(before);
        const beat = await full.checkin(host, { hash: inventoryHash(inventory) });
        expect(beat).toMatchObject({ status: 200, json: { wantInventory: true } });
      } finally {
        await full.close();
        await other.close();
      }
    });
  });
}

/** A full check-in through fetch, for the Retry-After header (the test client reads only the body). */
async function fetchCheckin(
  base: string,
  host: Host,
  inventory: unknown,
  now: Date,
): Promise<{ status: number; retryAfter: string | null; json: unknown }> {
  const res = await fetch(`${base}/v1/agent/checkin`, {
    method: 'POST',
    headers: { authorization: `Bearer ${host.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      agentVersion: '0.1.0',
      sentAt: now.toISOString(),
      inventoryHash: inventoryHash(inventory),
      inventory,
    }),
  });
  return { status: res.status, retryAfter: res.headers.get('retry-after'), json: await res.json() };
}

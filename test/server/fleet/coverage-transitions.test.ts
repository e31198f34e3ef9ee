import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import type { Finding } from '../../../src/findings/finding-types.js';
import { buildServer } from '../../../src/server/server-app.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { openVulnDb } from '../../../src/vulndb/vuln-db.js';
import { BACKENDS } from '../service-db-backends.js';
import { checkin, debianInventory, inventoryHash, post, type Host } from './agent-client.js';
import {
  get,
  INTERVAL_SECONDS,
  openFleetVulnDb,
  startFleetServer,
  type FleetServer,
} from './fleet-server.js';

interface Covered {
  resourceId: string;
  resourceType: string;
  accountId: string;
  scanType: string;
  scanStatus: { statusCode: string; reason: string; message?: string };
  lastScannedAt?: string;
  resourceMetadata: Record<string, Record<string, unknown>>;
}

const v1 = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
const sid = debianInventory({
  testlib: '1.0-1',
  leftpad: '1.0.0',
  os: {
    id: 'debian',
    idLike: [],
    release: 'sid',
    codename: 'sid',
    prettyName: 'Debian GNU/Linux sid',
    sources: [],
  },
});

for (const make of BACKENDS) {
  const backend = make();
  describe(`coverage on ${backend.name}`, () => {
    let db: ServiceDb;
    let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
    let f: FleetServer;
    let host: Host;
    /** Every coverage reason the host went through, in order, as the API showed it. */
    const seen: string[] = [];

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      vulns = await openFleetVulnDb();
      f = await startFleetServer(db, vulns.vulns);
    });
    afterAll(async () => {
      await f.close();
      await db.close();
      await vulns.close();
      await backend.teardown();
    });

    async function list(
      filter: Record<string, unknown> = {},
      maxResults = 100,
      key = f.keys.admin,
    ): Promise<Covered[]> {
      const out: Covered[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ filter: JSON.stringify(filter), maxResults: String(maxResults) });
        if (token) q.set('nextToken', token);
        const r = await get(f.base, key, `/v1/coverage?${q.toString()}`);
        expect(r.status).toBe(200);
        out.push(...(r.json['coveredResources'] as Covered[]));
        token = r.json['nextToken'] as string | undefined;
      } while (token);
      return out;
    }

    async function coverage(resourceId = host.resourceId): Promise<Covered> {
      const [c] = await list({ resourceId: [{ comparison: 'EQUALS', value: resourceId }] });
      if (!c) throw new Error(`no coverage for ${resourceId}`);
      if (resourceId === host.resourceId && seen[seen.length - 1] !== c.scanStatus.reason)
        seen.push(c.scanStatus.reason);
      return c;
    }

    async function openFindings(resourceId = host.resourceId): Promise<Finding[]> {
      const filter = { resourceId: [{ comparison: 'EQUALS', value: resourceId }] };
      const r = await get(
        f.base,
        f.keys.admin,
        `/v1/findings?filter=${encodeURIComponent(JSON.stringify(filter))}`,
      );
      return (r.json['findings'] as Finding[]).filter((x) => x.status !== 'CLOSED');
    }

    const beat = (hash = inventoryHash(v1)) => f.checkin(host, { hash });
    const patchTags = (tags: Record<string, string>) =>
      fetch(`${f.base}/v1/accounts/acct-f/resources/${host.resourceId}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${f.keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ tags }),
      });

    it('PENDING_INITIAL_SCAN on enrollment, STALE_INVENTORY after 3 intervals without the inventory asked for', async () => {
      host = await f.enroll(
        await f.createToken({ tags: { env: 'prod' } }),
        'c0ffee00c0ffee00c0ffee00c0ffee00',
      );
      expect(await coverage()).toMatchObject({
        accountId: 'acct-f',
        resourceType: 'HOST',
        scanType: 'PACKAGE',
        scanStatus: { statusCode: 'ACTIVE', reason: 'PENDING_INITIAL_SCAN' },
        resourceMetadata: {
          ec2: {
            tags: { env: 'prod' },
            platform: 'LINUX',
            machineId: host.machineId,
            hostname: host.hostname,
          },
        },
      });
      for (const step of [INTERVAL_SECONDS, INTERVAL_SECONDS, INTERVAL_SECONDS - 1]) {
        f.advance(step);
        expect((await beat()).json['wantInventory']).toBe(true);
        await f.runJob('agent-liveness');
      }
      expect((await coverage()).scanStatus.reason).toBe('PENDING_INITIAL_SCAN');
      f.advance(1);
      await f.runJob('agent-liveness');
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'INACTIVE',
        reason: 'STALE_INVENTORY',
      });
    });

    it('SUCCESSFUL once the inventory arrives; AGENT_OFFLINE after 3 silent intervals; back with the next heartbeat', async () => {
      f.advance(10);
      expect((await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 })).status).toBe(200);
      const scannedAt = f.clock.now.toISOString();
      expect(await coverage()).toMatchObject({
        scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
        lastScannedAt: scannedAt,
      });
      expect(await openFindings()).toHaveLength(2);
      f.advance(3 * INTERVAL_SECONDS - 1);
      await f.runJob('agent-liveness');
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
      f.advance(1);
      await f.runJob('agent-liveness');
      const offline = await coverage();
      expect(offline.scanStatus).toMatchObject({ statusCode: 'INACTIVE', reason: 'AGENT_OFFLINE' });
      expect(offline.scanStatus.message).toContain(scannedAt);
      expect((await beat()).json['wantInventory']).toBe(false);
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
    });

    it('NO_INVENTORY with the agent error; UNSUPPORTED_OS for Debian sid, its language packages still matched', async () => {
      f.advance(10);
      await f.checkin(host, {
        hash: '',
        inventoryError: { code: 'RPMDB_LOCKED', message: 'database locked' },
      });
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'INACTIVE',
        reason: 'NO_INVENTORY',
        message: 'the agent could not inventory the host: RPMDB_LOCKED: database locked',
      });
      expect(await openFindings()).toHaveLength(2);
      f.advance(10);
      expect((await f.checkin(host, { hash: inventoryHash(sid), inventory: sid })).status).toBe(200);
      const c = await coverage();
      expect(c.scanStatus).toMatchObject({ statusCode: 'INACTIVE', reason: 'UNSUPPORTED_OS' });
      expect(c.scanStatus.message).toMatch(/Debian:sid.*; its 1 language packages were matched$/);
      expect((await openFindings()).map((x) => x.packageVulnerabilityDetails?.vulnerabilityId)).toEqual([
        'CVE-2099-0001',
      ]);
      f.advance(10);
      await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
    });

    it('INTERNAL_ERROR when the server cannot scan (its vulnerability DB gone); the agent is asked again', async () => {
      // Gone for good: closed here and its file deleted, so a worker thread cannot open it either.
      const brokenPath = `${vulns.vulns.path}.broken.sqlite`;
      const broken = await openVulnDb(brokenPath);
      await broken.close();
      for (const suffix of ['', '-wal', '-shm']) rmSync(`${brokenPath}${suffix}`, { force: true });
      const other = await buildServer({
        db,
        store: broken.store,
        now: () => f.clock.now,
        background: false,
        config: { agentCheckinIntervalSeconds: INTERVAL_SECONDS },
      });
      const base = await other.listen({ port: 0, host: '127.0.0.1' });
      try {
        f.advance(10);
        const v2 = debianInventory({ testlib: '1.2-1', leftpad: '1.0.0' });
        const r = await checkin(base, host, {
          hash: inventoryHash(v2),
          inventory: v2,
          sentAt: f.clock.now.toISOString(),
        });
        expect(r).toEqual({
          status: 500,
          json: { code: 'INTERNAL', message: 'internal error', details: {} },
        });
      } finally {
        await other.close();
      }
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'INACTIVE',
        reason: 'INTERNAL_ERROR',
      });
      expect(await openFindings()).toHaveLength(2);
      expect((await beat()).json['wantInventory']).toBe(true);
      await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
    });

    it('EXCLUDED_BY_TAG closes the findings and stops scanning; removing the tag resumes at the next check-in', async () => {
      const before = await openFindings();
      expect((await patchTags({ env: 'prod', 'vigil:exclude': 'true' })).status).toBe(200);
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'INACTIVE',
        reason: 'EXCLUDED_BY_TAG',
      });
      expect(await openFindings()).toEqual([]);
      f.advance(10);
      expect((await beat()).json['wantInventory']).toBe(false);
      expect((await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 })).json['wantInventory']).toBe(
        false,
      );
      expect(await openFindings()).toEqual([]);

      expect((await patchTags({ env: 'prod' })).status).toBe(200);
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'ACTIVE',
        reason: 'PENDING_INITIAL_SCAN',
      });
      f.advance(10);
      expect((await beat()).json['wantInventory']).toBe(true);
      await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
      expect((await openFindings()).map((x) => x.id).sort()).toEqual(before.map((x) => x.id).sort());
    });

    it('a token tag vigil:exclude=true excludes a host from its enrollment on', async () => {
      const excluded = await f.enroll(
        await f.createToken({ tags: { 'vigil:exclude': 'TRUE' } }),
        'deadbeefdeadbeefdeadbeefdeadbeef',
      );
      expect((await coverage(excluded.resourceId)).scanStatus.reason).toBe('EXCLUDED_BY_TAG');
      const r = await f.checkin(excluded, { hash: inventoryHash(v1), inventory: v1 });
      expect(r.json['wantInventory']).toBe(false);
      expect(await openFindings(excluded.resourceId)).toEqual([]);
    });

    it('SCAN_TYPE_DISABLED while the account has host scanning off; switched back on, it starts over', async () => {
      const put = (host_: boolean) =>
        fetch(`${f.base}/v1/accounts/acct-f/scanning`, {
          method: 'PUT',
          headers: { authorization: `Bearer ${f.keys.admin}`, 'content-type': 'application/json' },
          body: JSON.stringify({ host: host_ }),
        });
      expect((await put(false)).status).toBe(200);
      expect((await coverage()).scanStatus).toMatchObject({
        statusCode: 'INACTIVE',
        reason: 'SCAN_TYPE_DISABLED',
      });
      expect(await openFindings()).toEqual([]);
      f.advance(10);
      expect((await beat()).json['wantInventory']).toBe(false);
      expect((await put(true)).status).toBe(200);
      expect((await coverage()).scanStatus.reason).toBe('PENDING_INITIAL_SCAN');
      expect((await beat()).json['wantInventory']).toBe(true);
      await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
      expect((await coverage()).scanStatus.reason).toBe('SUCCESSFUL');
      expect(await openFindings()).toHaveLength(2);
    });

    it('deregistration: findings closed, keys revoked (401 nodeInvalid), RESOURCE_TERMINATED; enrolling again revives it', async () => {
      const del = await fetch(`${f.base}/v1/accounts/acct-f/resources/${host.resourceId}`, {
        method: 'DELETE',
        headers: { authorization: `Bearer ${f.keys.admin}` },
      });
      expect(await del.json()).toEqual({ id: host.resourceId, closedFindings: 2 });
      expect(await openFindings()).toEqual([]);
      expect(await beat()).toMatchObject({
        status: 401,
        json: { code: 'HOST_KEY_INVALID', details: { nodeInvalid: true } },
      });
      expect((await coverage()).scanStatus).toEqual({
        statusCode: 'INACTIVE',
        reason: 'RESOURCE_TERMINATED',
      });
      const again = await f.enroll(await f.createToken({}), host.machineId);
      expect(again.resourceId).toBe(host.resourceId);
      host = again;
      expect((await coverage()).scanStatus.reason).toBe('PENDING_INITIAL_SCAN');
    });

    it('every change of the host was announced by a vigil.coverage.changed event, in order', async () => {
      const events = await db.kysely
        .selectFrom('outbox')
        .select('payload_json')
        .where('type', '=', 'vigil.coverage.changed')
        .where('subject', '=', host.resourceId)
        .orderBy('seq')
        .execute();
      const reasons = events.map((e) => (JSON.parse(e.payload_json) as { reason: string }).reason);
      expect(reasons).toEqual(seen);
      expect(new Set(seen)).toEqual(
        new Set([
          'PENDING_INITIAL_SCAN',
          'STALE_INVENTORY',
          'SUCCESSFUL',
          'AGENT_OFFLINE',
          'NO_INVENTORY',
          'UNSUPPORTED_OS',
          'INTERNAL_ERROR',
          'EXCLUDED_BY_TAG',
          'SCAN_TYPE_DISABLED',
          'RESOURCE_TERMINATED',
        ]),
      );
      const initial = await db.kysely
        .selectFrom('outbox')
        .select('payload_json')
        .where('type', '=', 'vigil.scan.completed')
        .where('subject', '=', host.resourceId)
        .orderBy('seq')
        .execute();
      const flags = initial.map((e) => (JSON.parse(e.payload_json) as { initialScan: boolean }).initialScan);
      expect(flags[0]).toBe(true);
      expect(flags.slice(1).every((x) => !x)).toBe(true);
    });

    it('inventories submitted through the API and registered resources have coverage too; statistics equal the list', async () => {
      const memberG = (await createApiKey(db.kysely, { accountId: 'acct-g', role: 'member' })).key;
      const sub = await post(f.base, '/v1/accounts/acct-g/resources/api-host-1/inventory', v1, {
        key: memberG,
      });
      expect(sub.status).toBe(200);
      expect(await list({}, 100, memberG)).toMatchObject([
        {
          accountId: 'acct-g',
          resourceId: 'api-host-1',
          scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
          resourceMetadata: { ec2: { platform: 'LINUX', os: { family: 'debian', version: '12' } } },
        },
      ]);
      const reg = await fetch(`${f.base}/v1/accounts/acct-f/resources`, {
        method: 'POST',
        headers: { authorization: `Bearer ${f.keys.admin}`, 'content-type': 'application/json' },
        body: JSON.stringify({ id: 'repo/app', type: 'CONTAINER_REPOSITORY' }),
      });
      expect(reg.status).toBe(201);
      expect((await coverage('repo/app')).scanStatus).toEqual({
        statusCode: 'ACTIVE',
        reason: 'PENDING_INITIAL_SCAN',
      });

      // acct-f's admin key does not see acct-g: the org-less accounts are apart.
      const all = await list({}, 2);
      expect(all.some((c) => c.accountId === 'acct-g')).toBe(false);
      for (const groupBy of [
        'SCAN_STATUS_CODE',
        'SCAN_STATUS_REASON',
        'ACCOUNT_ID',
        'RESOURCE_TYPE',
      ] as const) {
        for (const filter of [{}, { scanStatusCode: [{ comparison: 'EQUALS', value: 'INACTIVE' }] }]) {
          const q = new URLSearchParams({ groupBy, filter: JSON.stringify(filter) });
          const stats = (await get(f.base, f.keys.admin, `/v1/coverage/statistics?${q.toString()}`)).json as {
            countsByGroup: Array<{ count: number; groupKey: string }>;
            totalCounts: number;
          };
          const rows = await list(filter);
          const key = (c: Covered): string =>
            ({
              SCAN_STATUS_CODE: c.scanStatus.statusCode,
              SCAN_STATUS_REASON: c.scanStatus.reason,
              ACCOUNT_ID: c.accountId,
              RESOURCE_TYPE: c.resourceType,
            })[groupBy];
          const counted = new Map<string, number>();
          for (const c of rows) counted.set(key(c), (counted.get(key(c)) ?? 0) + 1);
          expect({ groupBy, filter, totalCounts: stats.totalCounts }).toEqual({
            groupBy,
            filter,
            totalCounts: rows.length,
          });
          expect(new Map(stats.countsByGroup.map((g) => [g.groupKey, g.count]))).toEqual(counted);
        }
      }
      const bad = await get(
        f.base,
        f.keys.admin,
        `/v1/coverage?filter=${encodeURIComponent('{"severity":[]}')}`,
      );
      expect(bad).toMatchObject({ status: 400, json: { code: 'VALIDATION' } });
    });
  });
}

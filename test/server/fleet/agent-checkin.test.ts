import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../../src/findings/finding-types.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { sqliteBackend } from '../service-db-backends.js';
import { debianInventory, inventoryHash, type Host } from './agent-client.js';
import { get, openFleetVulnDb, startFleetServer, type FleetServer } from './fleet-server.js';

const backend = sqliteBackend();
let db: ServiceDb;
let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
let f: FleetServer;

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

async function findingsOf(resourceId: string): Promise<Finding[]> {
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: resourceId }] }),
  );
  return (await get(f.base, f.keys.member, `/v1/findings?filter=${filter}`)).json['findings'] as Finding[];
}

async function eventsOf(
  resourceId: string,
  since: number,
): Promise<Array<{ type: string; data: Record<string, unknown> }>> {
  const rows = await db.kysely
    .selectFrom('outbox')
    .select(['type', 'payload_json'])
    .where('seq', '>', since)
    .orderBy('seq')
    .execute();
  return rows
    .map((r) => ({ type: r.type, data: JSON.parse(r.payload_json) as Record<string, unknown> }))
    .filter(
      (e) =>
        e.data['resourceId'] === resourceId ||
        (e.data['resources'] as Array<{ id: string }> | undefined)?.[0]?.id === resourceId,
    );
}

async function lastSeq(): Promise<number> {
  const r = await db.kysely
    .selectFrom('outbox')
    .select((eb) => eb.fn.max('seq').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

describe('check-ins of an enrolled host', () => {
  let host: Host;
  const v1 = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });

  it('asks a new host for its inventory, scans it through the scan service, then only wants it on change', async () => {
    host = await f.enroll(await f.createToken({ tags: { env: 'prod' } }), '0123456789abcdef0123456789abcdef');
    const hb = await f.checkin(host, { hash: inventoryHash(v1) });
    expect(hb).toEqual({
      status: 200,
      json: { checkinIntervalSeconds: 60, wantInventory: true, serverTime: f.clock.now.toISOString() },
    });
    const seq = await lastSeq();
    f.advance(30);
    const full = await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
    expect(full).toMatchObject({ status: 200, json: { wantInventory: false } });
    const found = await findingsOf(host.resourceId);
    expect(found.map((x) => x.packageVulnerabilityDetails?.vulnerabilityId).sort()).toEqual([
      'CVE-2099-0001',
      'CVE-2099-0002',
    ]);
    expect(found.every((x) => x.status === 'ACTIVE' && x.resources[0]?.tags?.['env'] === 'prod')).toBe(true);
    const events = await eventsOf(host.resourceId, seq);
    expect(events.map((e) => e.type)).toEqual([
      'vigil.coverage.changed',
      'vigil.finding.created',
      'vigil.finding.created',
      'vigil.scan.completed',
    ]);
    expect(events[0]?.data).toEqual({
      resourceId: host.resourceId,
      resourceType: 'HOST',
      scanType: 'PACKAGE',
      status: 'ACTIVE',
      reason: 'SUCCESSFUL',
    });
    expect(events[3]?.data).toMatchObject({
      kind: 'inventory',
      initialScan: true,
      created: 2,
      severityCounts: { critical: 1, high: 1, medium: 0, low: 0, total: 2 },
    });
    const resource = await get(f.base, f.keys.member, `/v1/accounts/acct-f/resources/${host.resourceId}`);
    expect(resource.json['details']).toMatchObject({
      hostname: host.hostname,
      machineId: host.machineId,
      os: { family: 'debian', version: '12' },
      agentVersion: '0.1.0',
      lastCheckinAt: f.clock.now.toISOString(),
      lastInventoryAt: f.clock.now.toISOString(),
    });

    f.advance(60);
    expect((await f.checkin(host, { hash: inventoryHash(v1) })).json['wantInventory']).toBe(false);
    expect((await f.checkin(host, { hash: 'b'.repeat(64) })).json['wantInventory']).toBe(true);
    f.advance(24 * 3600 + 1);
    expect((await f.checkin(host, { hash: inventoryHash(v1) })).json['wantInventory']).toBe(true);
  });

  it('an upgrade closes exactly the fixed finding; reinstalling the old version reopens the same finding', async () => {
    const before = await findingsOf(host.resourceId);
    const deb = before.find((x) => x.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2099-0002');
    const v2 = debianInventory({ testlib: '1.2-1', leftpad: '1.0.0' });
    f.advance(60);
    expect((await f.checkin(host, { hash: inventoryHash(v2), inventory: v2 })).status).toBe(200);
    const after = await findingsOf(host.resourceId);
    expect(after.map((x) => `${x.packageVulnerabilityDetails?.vulnerabilityId} ${x.status}`).sort()).toEqual([
      'CVE-2099-0001 ACTIVE',
      'CVE-2099-0002 CLOSED',
    ]);
    f.advance(60);
    expect((await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 })).status).toBe(200);
    const again = await findingsOf(host.resourceId);
    const reopened = again.find((x) => x.packageVulnerabilityDetails?.vulnerabilityId === 'CVE-2099-0002');
    expect(reopened).toMatchObject({ id: deb?.id, status: 'ACTIVE', firstObservedAt: deb?.firstObservedAt });
  });

  it('a heartbeat is one key lookup and one row update', async () => {
    const statements: string[] = [];
    const seqBefore = await lastSeq();
    const counter = countStatements(statements);
    try {
      expect((await f.checkin(host, { hash: inventoryHash(v1) })).status).toBe(200);
    } finally {
      counter.uninstall();
    }
    // The update is group-committed with whatever heartbeats arrive meanwhile (here, none).
    expect(statements.map((s) => s.split(' ')[0]?.toLowerCase())).toEqual([
      'select',
      'begin',
      'update',
      'commit',
    ]);
    expect(statements[0]).toMatch(/from "host_keys"/);
    expect(statements[2]).toMatch(/^update "host_agents"/);
    expect(await lastSeq()).toBe(seqBefore);
    // And no audit row: heartbeats are not anyone's act.
    const audited = await db.kysely
      .selectFrom('audit_log')
      .select('action')
      .where('action', '=', 'POST /v1/agent/checkin')
      .where('result', '=', '200')
      .execute();
    expect(audited).toEqual([]);
  });

  it('an empty inventory closes nothing and shows NO_INVENTORY; the agent error too, with its words', async () => {
    const open = (await findingsOf(host.resourceId)).filter((x) => x.status === 'ACTIVE').length;
    const empty = debianInventory({});
    f.advance(60);
    expect((await f.checkin(host, { hash: inventoryHash(empty), inventory: empty })).status).toBe(200);
    expect((await findingsOf(host.resourceId)).filter((x) => x.status === 'ACTIVE')).toHaveLength(open);
    const coverage = await coverageOf(host.resourceId);
    expect(coverage).toMatchObject({
      scanStatus: {
        statusCode: 'INACTIVE',
        reason: 'NO_INVENTORY',
        message: 'the inventory holds no packages',
      },
    });
    f.advance(60);
    const err = await f.checkin(host, {
      hash: '',
      inventoryError: { code: 'DPKG_STATUS_UNREADABLE', message: 'permission denied' },
    });
    expect(err).toMatchObject({ status: 200, json: { wantInventory: true } });
    expect(await coverageOf(host.resourceId)).toMatchObject({
      scanStatus: {
        reason: 'NO_INVENTORY',
        message: 'the agent could not inventory the host: DPKG_STATUS_UNREADABLE: permission denied',
      },
    });
    expect((await findingsOf(host.resourceId)).filter((x) => x.status === 'ACTIVE')).toHaveLength(open);
    f.advance(60);
    await f.checkin(host, { hash: inventoryHash(v1), inventory: v1 });
    expect(await coverageOf(host.resourceId)).toMatchObject({
      scanStatus: { statusCode: 'ACTIVE', reason: 'SUCCESSFUL' },
    });
  });

  it('a host key does nothing but check in for its own host', async () => {
    const other = await f.enroll(await f.createToken({}), 'fedcba9876543210fedcba9876543210');
    const attempts: Array<[string, string, unknown]> = [
      ['GET', '/v1/findings', undefined],
      ['GET', '/v1/accounts/acct-f/resources', undefined],
      ['POST', `/v1/accounts/acct-f/resources/${other.resourceId}/inventory`, v1],
      ['DELETE', `/v1/accounts/acct-f/resources/${other.resourceId}`, undefined],
      ['GET', '/v1/coverage', undefined],
      ['POST', '/v1/accounts/acct-f/enrollment-tokens', {}],
    ];
    for (const [method, path, body] of attempts) {
      const r = await fetch(`${f.base}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${host.key}`,
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      expect({ method, path, status: r.status, code: ((await r.json()) as { code: string }).code }).toEqual({
        method,
        path,
        status: 403,
        code: 'FORBIDDEN',
      });
    }
    // Its key names its machine: a copy of it on another machine is told to enroll as itself.
    const cloned = await f.checkin(host, {
      hash: inventoryHash(v1),
      extra: { machineId: other.machineId },
    } as never);
    expect(cloned).toMatchObject({
      status: 401,
      json: { code: 'HOST_KEY_INVALID', details: { nodeInvalid: true } },
    });
    expect((await findingsOf(other.resourceId)).length).toBe(0);
  });
});

async function coverageOf(resourceId: string): Promise<Record<string, unknown> | undefined> {
  const filter = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: resourceId }] }),
  );
  const r = await get(f.base, f.keys.member, `/v1/coverage?filter=${filter}`);
  return (r.json['coveredResources'] as Array<Record<string, unknown>>)[0];
}

/** Records the SQL of every statement better-sqlite3 prepares (what Kysely's driver runs) until uninstalled. */
/** Every statement SQLite runs meanwhile (run or read, prepared now or kept from before), in order. */
function countStatements(out: string[]): { uninstall(): void } {
  const probe = new Database(':memory:');
  const proto = Object.getPrototypeOf(probe.prepare('select 1')) as Record<
    'run' | 'all' | 'get',
    (this: { source: string }, ...args: unknown[]) => unknown
  >;
  probe.close();
  const originals = { run: proto.run, all: proto.all, get: proto.get };
  for (const name of ['run', 'all', 'get'] as const) {
    const original = originals[name];
    proto[name] = function (this: { source: string }, ...args: unknown[]) {
      out.push(this.source);
      return original.apply(this, args);
    };
  }
  return { uninstall: () => Object.assign(proto, originals) };
}

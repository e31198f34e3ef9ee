import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding, FindingType, ResourceType } from '../../src/findings/finding-types.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

const T0 = new Date('2026-03-01T00:00:00.000Z');

function made(id: string, type: FindingType, resourceId: string, resourceType: ResourceType): Finding {
  const base = randomFinding(rng(id.length * 31 + 1), 0);
  const f: Finding = {
    ...base,
    id,
    type,
    status: 'ACTIVE',
    resources: [{ id: resourceId, type: resourceType, details: {} }],
  };
  if (type !== 'PACKAGE_VULNERABILITY') delete f.packageVulnerabilityDetails;
  return f;
}

/** acct-a: a host with 3 package findings and 1 network finding; an image with 2 package findings. */
const HOST_FINDINGS = [
  made('pkg-1', 'PACKAGE_VULNERABILITY', 'host-a1', 'HOST'),
  made('pkg-2', 'PACKAGE_VULNERABILITY', 'host-a1', 'HOST'),
  made('pkg-3', 'PACKAGE_VULNERABILITY', 'host-a1', 'HOST'),
  made('net-1', 'NETWORK_REACHABILITY', 'host-a1', 'HOST'),
];
const IMAGE_FINDINGS = [
  made('img-1', 'PACKAGE_VULNERABILITY', 'sha256:img', 'CONTAINER_IMAGE'),
  made('img-2', 'PACKAGE_VULNERABILITY', 'sha256:img', 'CONTAINER_IMAGE'),
];

for (const make of BACKENDS) {
  const backend = make();
  describe(`scan kinds switched off and on, on ${backend.name}`, () => {
    let db: ServiceDb;
    let s: Seeded;
    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 0);
      await applyScanOfResource(db.kysely, {
        accountId: 'acct-b',
        resourceId: 'host-b1',
        findings: HOST_FINDINGS.map((f) => ({ ...f, resources: [{ ...f.resources[0]!, id: 'host-b1' }] })),
        now: T0,
      });
      await applyScanOfResource(db.kysely, {
        accountId: 'acct-a',
        resourceId: 'host-a1',
        findings: HOST_FINDINGS,
        now: T0,
      });
      await applyScanOfResource(db.kysely, {
        accountId: 'acct-a',
        resourceId: 'sha256:img',
        findings: IMAGE_FINDINGS,
        now: T0,
      });
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    /** "resourceId type status" of every finding of acct-a, sorted. */
    const statesOfA = async (): Promise<string[]> =>
      (
        await db.kysely
          .selectFrom('findings')
          .select(['resource_id', 'type', 'status', 'closed_at'])
          .where('account_id', '=', 'acct-a')
          .execute()
      )
        .map(
          (r) =>
            `${r.resource_id} ${r.type} ${r.status}${r.status === 'CLOSED' && r.closed_at ? ' closedAt' : ''}`,
        )
        .sort();
    const openStatesOfB = async (): Promise<number> =>
      (
        await db.kysely
          .selectFrom('findings')
          .select('id')
          .where('account_id', '=', 'acct-b')
          .where('status', '<>', 'CLOSED')
          .execute()
      ).length;
    const outboxAfter = async (seq: number) =>
      db.kysely
        .selectFrom('outbox')
        .select(['seq', 'type', 'account_id', 'subject', 'payload_json'])
        .where('seq', '>', seq)
        .orderBy('seq')
        .execute();
    const lastSeq = async (): Promise<number> =>
      Number(
        (
          await db.kysely
            .selectFrom('outbox')
            .select((e) => e.fn.max('seq').as('m'))
            .executeTakeFirst()
        )?.m ?? 0,
      );

    it('only admin keys of a visible account change the scan kinds', async () => {
      const path = '/v1/accounts/acct-a/scanning';
      expect((await call(s.base, s.keys.memberA, 'PUT', path, { host: false })).status).toBe(403);
      expect((await call(s.base, s.keys.readOnlyA, 'PUT', path, { host: false })).status).toBe(403);
      expect((await call(s.base, s.keys.adminB, 'PUT', path, { host: false })).status).toBe(404);
      expect((await call(s.base, s.keys.adminA, 'PUT', path, { host: 'no' })).status).toBe(400);
      const account = await call(s.base, s.keys.memberA, 'GET', '/v1/accounts/acct-a');
      expect(account.json).toMatchObject({ scanning: { host: true, image: true, network: true } });
    });

    it('switching host scanning off closes the host package findings with their events, and only those', async () => {
      const before = await lastSeq();
      const openB = await openStatesOfB();
      const r = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/scanning', { host: false });
      expect(r).toEqual({ status: 200, json: { host: false, image: true, network: true } });
      expect(await statesOfA()).toEqual([
        'host-a1 NETWORK_REACHABILITY ACTIVE',
        'host-a1 PACKAGE_VULNERABILITY CLOSED closedAt',
        'host-a1 PACKAGE_VULNERABILITY CLOSED closedAt',
        'host-a1 PACKAGE_VULNERABILITY CLOSED closedAt',
        'sha256:img PACKAGE_VULNERABILITY ACTIVE',
        'sha256:img PACKAGE_VULNERABILITY ACTIVE',
      ]);
      expect(await openStatesOfB()).toBe(openB);
      const events = await outboxAfter(before);
      expect(events.map((e) => `${e.type} ${e.account_id} ${e.subject}`)).toEqual([
        expect.stringMatching(/^vigil.finding.closed acct-a /),
        expect.stringMatching(/^vigil.finding.closed acct-a /),
        expect.stringMatching(/^vigil.finding.closed acct-a /),
        'vigil.coverage.changed acct-a acct-a',
        'vigil.coverage.changed acct-a host-a1',
      ]);
      expect(JSON.parse(events[3]!.payload_json)).toEqual({
        accountId: 'acct-a',
        before: { host: true, image: true, network: true },
        after: { host: false, image: true, network: true },
        closedFindings: 3,
      });
      // And the host's own coverage (issue 12): not scanning, and why.
      expect(JSON.parse(events[4]!.payload_json)).toEqual({
        resourceId: 'host-a1',
        resourceType: 'HOST',
        scanType: 'PACKAGE',
        status: 'INACTIVE',
        reason: 'SCAN_TYPE_DISABLED',
        message: 'host scanning is switched off for the account',
      });
      const shown = await call(s.base, s.keys.memberA, 'GET', '/v1/accounts');
      expect(shown.json).toEqual({
        accounts: [
          expect.objectContaining({ id: 'acct-a', scanning: { host: false, image: true, network: true } }),
        ],
      });
    });

    it('setting what is already set changes nothing and announces nothing', async () => {
      const before = await lastSeq();
      const r = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/scanning', {
        host: false,
        image: true,
      });
      expect(r).toEqual({ status: 200, json: { host: false, image: true, network: true } });
      expect(await outboxAfter(before)).toEqual([]);
    });

    it('switching it back on reopens nothing; the next scan does', async () => {
      const before = await lastSeq();
      const r = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/scanning', { host: true });
      expect(r.json).toEqual({ host: true, image: true, network: true });
      expect((await statesOfA()).filter((x) => x.includes('CLOSED'))).toHaveLength(3);
      const events = await outboxAfter(before);
      expect(events.map((e) => `${e.type} ${e.subject}`)).toEqual([
        'vigil.coverage.changed acct-a',
        'vigil.coverage.changed host-a1',
      ]);
      expect(JSON.parse(events[1]!.payload_json)).toMatchObject({
        status: 'ACTIVE',
        reason: 'PENDING_INITIAL_SCAN',
      });

      const closedIds = (
        await db.kysely
          .selectFrom('findings')
          .select('id')
          .where('status', '=', 'CLOSED')
          .where('account_id', '=', 'acct-a')
          .execute()
      ).map((x) => x.id);
      const next = await applyScanOfResource(db.kysely, {
        accountId: 'acct-a',
        resourceId: 'host-a1',
        findings: HOST_FINDINGS,
        now: new Date('2026-03-02T00:00:00.000Z'),
      });
      expect(next.updated.map((f) => f.id).sort()).toEqual(closedIds.sort());
      expect((await statesOfA()).filter((x) => x.includes('CLOSED'))).toEqual([]);
    });

    it("the delegated admin switches a member account's kinds: image off closes the image's findings", async () => {
      const r = await call(s.base, s.keys.orgAdmin, 'PUT', '/v1/accounts/acct-a/scanning', {
        image: false,
        network: false,
      });
      expect(r.json).toEqual({ host: true, image: false, network: false });
      expect(await statesOfA()).toEqual([
        'host-a1 NETWORK_REACHABILITY CLOSED closedAt',
        'host-a1 PACKAGE_VULNERABILITY ACTIVE',
        'host-a1 PACKAGE_VULNERABILITY ACTIVE',
        'host-a1 PACKAGE_VULNERABILITY ACTIVE',
        'sha256:img PACKAGE_VULNERABILITY CLOSED closedAt',
        'sha256:img PACKAGE_VULNERABILITY CLOSED closedAt',
      ]);
    });
  });
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import cvssCalculator from 'ae-cvss-calculator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource, PACKAGE_SCAN_TYPES } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { networkFactsDigest } from '../../src/network/network-facts-digest.js';
import { labFacts } from '../../src/network/testing/facts-builder.js';
import { REANALYSIS_AGE_MS, reanalyseDueHostNetworks } from '../../src/scan/network-analysis.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS, type Backend } from './service-db-backends.js';

/**
 * The service side of network reachability through the real HTTP server and a SQLite file: a host
 * key's check-in carries facts, NETWORK_REACHABILITY findings appear with their path and filters, the
 * account's cloud network joins by instance id, and the host's package findings are scored in context.
 */
const VPC = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'src', 'network', 'cloud', 'testdata', 'vpc-web.json'),
    'utf8',
  ),
) as Record<string, unknown>;
const INSTANCE = 'i-0123456789abcdef0';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';

let backend: Backend;
let db: ServiceDb;
let s: Seeded;
let hostKey = '';
let resourceId = '';

interface ListedFinding extends Finding {
  networkReachabilityDetails?: NonNullable<Finding['networkReachabilityDetails']>;
}

async function checkin(extra: Record<string, unknown>): Promise<{ status: number; json: unknown }> {
  return call(s.base, hostKey, 'POST', '/v1/agent/checkin', {
    agentVersion: '0.1.0',
    sentAt: new Date().toISOString(),
    inventoryHash: '',
    ...extra,
  });
}

async function findings(filter: Record<string, unknown>): Promise<ListedFinding[]> {
  const q = encodeURIComponent(
    JSON.stringify({ resourceId: [{ comparison: 'EQUALS', value: resourceId }], ...filter }),
  );
  const r = await call(s.base, s.keys.adminA, 'GET', `/v1/findings?maxResults=100&filter=${q}`);
  expect(r.status).toBe(200);
  return (r.json as { findings: ListedFinding[] }).findings;
}

const open = { findingStatus: [{ comparison: 'NOT_EQUALS', value: 'CLOSED' }] };
const network = { ...open, findingType: [{ comparison: 'EQUALS', value: 'NETWORK_REACHABILITY' }] };

/** A package finding with an AV:N vector on the host, as a scan writes it (base score, no context yet). */
function packageFinding(): Finding {
  const base = 9.8;
  return {
    id: 'pkg-identity-1',
    accountId: 'acct-a',
    type: 'PACKAGE_VULNERABILITY',
    title: 'CVE-2099-0001 - openssl',
    description: 'd',
    status: 'ACTIVE',
    severity: 'CRITICAL',
    score: base,
    scoreDetails: { baseScore: base, baseVector: VECTOR, cvssVersion: '3.1', source: 'nvd', adjustments: [] },
    firstObservedAt: '',
    lastObservedAt: '',
    updatedAt: '',
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    remediation: { recommendation: { text: '' } },
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

/** What ae-cvss-calculator gives for the vector with MAV:A: the figure the service must show. */
function withAdjacent(vector: string): number {
  const v = (
    cvssCalculator as unknown as {
      fromVector(v: string): {
        applyComponentString(c: string, x: string): void;
        calculateScores(): { environmental?: number };
      };
    }
  ).fromVector(vector);
  v.applyComponentString('MAV', 'A');
  return v.calculateScores().environmental ?? NaN;
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'network reachability in the service on %s',
  (_name, make) => {
    beforeAll(async () => {
      backend = make();
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 1);
      const token = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/enrollment-tokens', {});
      const enrolled = await call(s.base, undefined, 'POST', '/v1/agent/enroll', {
        token: (token.json as { token: string }).token,
        machineId: 'feedfacefeedfacefeedfacefeedface',
        hostname: 'web-1',
        agentVersion: '0.1.0',
      });
      expect(enrolled.status).toBe(201);
      ({ hostKey, resourceId } = enrolled.json as { hostKey: string; resourceId: string });
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    it('a check-in with facts writes one NETWORK_REACHABILITY finding per port, with its path', async () => {
      const facts = labFacts({ cloud: { provider: 'aws', instanceId: INSTANCE } }, [22, 8080]);
      const r = await checkin({ networkFacts: facts });
      expect(r).toMatchObject({ status: 200, json: { wantNetworkFacts: false } });
      const found = await findings(network);
      expect(found.map((f) => f.title).sort()).toEqual([
        'Port 22 is reachable from the internet through the host firewall - TCP',
        'Port 8080 is reachable from the internet through the host firewall - TCP',
      ]);
      const ssh = found.find((f) => f.title.startsWith('Port 22')) as ListedFinding;
      expect(ssh.severity).not.toBe('INFORMATIONAL');
      expect(ssh.networkReachabilityDetails).toMatchObject({
        protocol: 'TCP',
        openPortRange: { begin: 22, end: 22 },
      });
      expect(ssh.networkReachabilityDetails?.networkPath.steps.map((x) => x.componentType)).toEqual(
        expect.arrayContaining(['HOST_INTERFACE', 'LISTENING_PROCESS']),
      );
      expect(ssh.resources[0]?.id).toBe(resourceId);
    });

    it('the digest alone: the same facts are not wanted again, other facts are', async () => {
      const facts = labFacts({ cloud: { provider: 'aws', instanceId: INSTANCE } }, [22, 8080]);
      const same = await checkin({
        networkFactsHash: networkFactsDigest({ ...facts, collectedAt: 'later' }),
      });
      expect(same).toMatchObject({ status: 200, json: { wantNetworkFacts: false } });
      const other = await checkin({ networkFactsHash: networkFactsDigest(labFacts({}, [22])) });
      expect(other).toMatchObject({ status: 200, json: { wantNetworkFacts: true } });
    });

    it('portRange and networkProtocol filter the list and the aggregation', async () => {
      expect(
        (await findings({ ...network, portRange: [{ beginInclusive: 22, endInclusive: 22 }] })).map(
          (f) => f.title,
        ),
      ).toEqual(['Port 22 is reachable from the internet through the host firewall - TCP']);
      expect(await findings({ ...network, portRange: [{ beginInclusive: 23, endInclusive: 8079 }] })).toEqual(
        [],
      );
      expect(
        await findings({ ...network, networkProtocol: [{ comparison: 'EQUALS', value: 'UDP' }] }),
      ).toEqual([]);
      expect(
        await findings({ ...network, networkProtocol: [{ comparison: 'EQUALS', value: 'TCP' }] }),
      ).toHaveLength(2);
      const bad = await call(
        s.base,
        s.keys.adminA,
        'GET',
        `/v1/findings?filter=${encodeURIComponent('{"portRange":[{"beginInclusive":70000}]}')}`,
      );
      expect(bad.status).toBe(400);
    });

    it('bad facts are refused with a stable code and change nothing', async () => {
      const before = await db.kysely.selectFrom('host_network').selectAll().execute();
      const invalid = await checkin({ networkFacts: { ...labFacts(), version: 2 } });
      expect(invalid).toMatchObject({ status: 400, json: { code: 'NETWORK_FACTS_INVALID' } });
      const huge = labFacts({
        firewall: {
          iptables: [{ family: 4, flavour: 'legacy', text: `# ${'x'.repeat(17 * 1024 * 1024)}\n` }],
          generatedBy: [],
          active: true,
        },
      });
      const tooLarge = await checkin({ networkFacts: huge });
      expect(tooLarge).toMatchObject({ status: 413, json: { code: 'NETWORK_FACTS_TOO_LARGE' } });
      expect(await db.kysely.selectFrom('host_network').selectAll().execute()).toEqual(before);
    });

    it('PUT cloud-network: dangling references are a 400 naming the id; members may not; the host joins by instance id', async () => {
      const subnets = VPC['subnets'] as { Subnets: unknown[] };
      const dangling = { ...VPC, subnets: { Subnets: [] } };
      const r400 = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/cloud-network', dangling);
      expect(r400.status).toBe(400);
      expect(r400.json).toMatchObject({ code: 'CLOUD_NETWORK_DANGLING_REFERENCE' });
      expect((r400.json as { message: string }).message).toMatch(/subnet-0aa11bb22cc33dd44/);
      expect(subnets.Subnets.length).toBeGreaterThan(0);
      const member = await call(s.base, s.keys.memberA, 'PUT', '/v1/accounts/acct-a/cloud-network', VPC);
      expect(member.status).toBe(403);
      const foreign = await call(s.base, s.keys.adminB, 'PUT', '/v1/accounts/acct-a/cloud-network', VPC);
      expect([403, 404]).toContain(foreign.status);
      expect(await db.kysely.selectFrom('cloud_networks').selectAll().execute()).toEqual([]);
      const ok = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/cloud-network', VPC);
      expect(ok).toMatchObject({
        status: 200,
        json: {
          instances: 1,
          hosts: [{ instanceId: INSTANCE, resourceId }],
          instancesWithoutHost: [],
          analysed: 1,
        },
      });
      const cloud = (await findings(network)).filter((f) => f.title.includes('Internet Gateway'));
      const titled = cloud.filter((f) => f.title === 'Port 22 is reachable from an Internet Gateway - TCP');
      // The exposure of the security group's range (here one port) and the recognized port with its listener.
      expect(titled.map((f) => f.networkReachabilityDetails?.category).sort()).toEqual([
        'NETWORK_EXPOSURE',
        'RECOGNIZED_PORT_WITH_LISTENER',
      ]);
      const ssh = titled.find(
        (f) => f.networkReachabilityDetails?.category === 'RECOGNIZED_PORT_WITH_LISTENER',
      );
      expect(ssh?.severity).toBe('MEDIUM');
      expect(ssh?.networkReachabilityDetails?.networkPath.steps.map((x) => x.componentType)).toEqual([
        'AWS::EC2::InternetGateway',
        'AWS::EC2::NetworkAcl',
        'AWS::EC2::SecurityGroup',
        'AWS::EC2::NetworkInterface',
        'AWS::EC2::Instance',
      ]);
      expect(ssh?.resources[0]?.id).toBe(resourceId);
    });

    it('the periodic job analyses again only hosts whose analysis is over 12 h old', async () => {
      const errors: unknown[] = [];
      const onError = (_h: unknown, err: unknown): void => void errors.push(err);
      expect(await reanalyseDueHostNetworks(db.kysely, new Date(), onError)).toBe(0);
      const later = new Date(Date.now() + REANALYSIS_AGE_MS + 60_000);
      expect(await reanalyseDueHostNetworks(db.kysely, later, onError)).toBe(1);
      expect(await reanalyseDueHostNetworks(db.kysely, later, onError)).toBe(0);
      expect(errors).toEqual([]);
      const row = await db.kysely.selectFrom('host_network').select('analysed_at').executeTakeFirst();
      expect(row?.analysed_at).toBe(later.toISOString());
      // Facts of a resource that is gone are dropped, not analysed again every time.
      await db.kysely
        .insertInto('host_network')
        .values({
          account_id: 'acct-a',
          resource_id: 'host:gone',
          facts_hash: 'x',
          facts_json: JSON.stringify(labFacts()),
          instance_id: null,
          received_at: new Date().toISOString(),
          exposure_json: null,
          analysed_at: null,
        })
        .execute();
      expect(await reanalyseDueHostNetworks(db.kysely, new Date(), onError)).toBe(0);
      const left = await db.kysely.selectFrom('host_network').select('resource_id').execute();
      expect(left.map((r) => r.resource_id)).toEqual([resourceId]);
    });

    it('the score in context: lowered as the calculator says with MAV:A when nothing reaches the host, restored when a port opens, each with an updated event', async () => {
      await db.kysely.deleteFrom('cloud_networks').execute();
      const networkBefore = (await findings(network)).map((f) => f.id).sort();
      expect(networkBefore.length).toBeGreaterThan(0);
      // A package scan as scan-apply writes one: it speaks for package findings only.
      await applyScanOfResource(db.kysely, {
        accountId: 'acct-a',
        resourceId,
        findings: [packageFinding()],
        now: new Date(),
        findingTypes: PACKAGE_SCAN_TYPES,
      });
      expect((await findings(network)).map((f) => f.id).sort()).toEqual(networkBefore);
      const pkg = { ...open, findingType: [{ comparison: 'EQUALS', value: 'PACKAGE_VULNERABILITY' }] };
      const [reachable] = await findings(pkg);
      expect(reachable?.score).toBe(9.8);
      expect(reachable?.scoreDetails?.adjustments).toEqual([]);
      expect(reachable?.scoreDetails?.contextDetail).toMatch(/not adjusted/);

      const seqBefore = await maxSeq();
      expect((await checkin({ networkFacts: labFacts({}, [], []) })).status).toBe(200);
      const [closed] = await findings(pkg);
      const expected = withAdjacent(VECTOR);
      expect(expected).toBeLessThan(9.8);
      expect(closed?.score).toBe(expected);
      expect(closed?.scoreDetails).toMatchObject({
        baseScore: 9.8,
        adjustments: [{ metric: 'attackVector', reason: 'no open network path from the internet' }],
      });
      expect(closed?.scoreDetails?.adjustedVector).toMatch(/MAV:A/);
      expect(await findings(network)).toEqual([]);
      const events = await eventsAfter(seqBefore);
      expect(
        events.filter((e) => e.type === 'vigil.finding.updated' && e.subject === closed?.id),
      ).toHaveLength(1);

      const seqMid = await maxSeq();
      expect((await checkin({ networkFacts: labFacts({}, [22]) })).status).toBe(200);
      const [again] = await findings(pkg);
      expect(again?.score).toBe(9.8);
      expect(again?.scoreDetails?.adjustments).toEqual([]);
      const later = await eventsAfter(seqMid);
      expect(later.filter((e) => e.type === 'vigil.finding.updated' && e.subject === again?.id)).toHaveLength(
        1,
      );
      // The port 22 finding closed with the empty facts reopens: the same id, an updated event.
      const reopened = await findings(network);
      expect(reopened.map((f) => f.title)).toEqual([
        'Port 22 is reachable from the internet through the host firewall - TCP',
      ]);
      expect(later.some((e) => e.type === 'vigil.finding.updated' && e.subject === reopened[0]?.id)).toBe(
        true,
      );
    });
  },
);

async function maxSeq(): Promise<number> {
  const r = await db.kysely
    .selectFrom('outbox')
    .select((e) => e.fn.max('seq').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

async function eventsAfter(seq: number): Promise<Array<{ type: string; subject: string }>> {
  return db.kysely.selectFrom('outbox').select(['type', 'subject']).where('seq', '>', seq).execute();
}

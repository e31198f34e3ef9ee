import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { labFacts } from '../../src/network/testing/facts-builder.js';
import { reanalyseDueAgentlessInstances } from '../../src/scan/agentless-network-analysis.js';
import { REANALYSIS_AGE_MS } from '../../src/scan/network-analysis.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS, type Backend } from './service-db-backends.js';

/**
 * Instances of the uploaded cloud network that no agent names, through the real HTTP server on SQLite
 * and PostgreSQL: each gets a HOST resource of its own with Inspector's UNMANAGED_EC2_INSTANCE
 * coverage and the NO_AGENT reachability findings; it is retired (findings closed, RESOURCE_TERMINATED)
 * when a later upload drops the instance or when an agent names it.
 */
const VPC = JSON.parse(
  readFileSync(
    join(import.meta.dirname, '..', '..', 'src', 'network', 'cloud', 'testdata', 'vpc-web.json'),
    'utf8',
  ),
) as Record<string, { [k: string]: Array<Record<string, unknown>> }>;
const NAMED = 'i-0123456789abcdef0';
const AGENTLESS = 'i-0fedcba9876543210';
const ENI = 'eni-0a9b8c7d6e5f40312';

/** vpc-web.json plus a second instance in the same subnet and security group, with tags, no agent. */
function vpcWithAgentless(): unknown {
  const v = structuredClone(VPC);
  const reservations = v['instances']?.['Reservations'] as Array<{
    Instances: Array<Record<string, unknown>>;
  }>;
  const first = reservations[0]?.Instances[0] as Record<string, unknown>;
  reservations.push({
    Instances: [
      {
        ...first,
        InstanceId: AGENTLESS,
        PrivateIpAddress: '10.0.1.26',
        PublicIpAddress: '203.0.113.26',
        NetworkInterfaces: [{ NetworkInterfaceId: ENI }],
        Tags: [
          { Key: 'Name', Value: 'batch-1' },
          { Key: 'team', Value: 'data' },
        ],
      },
    ],
  });
  const enis = v['networkInterfaces']?.['NetworkInterfaces'] as Array<Record<string, unknown>>;
  const eni = enis[0] as Record<string, unknown>;
  const pub = { PublicIp: '203.0.113.26', IpOwnerId: 'amazon' };
  enis.push({
    ...eni,
    NetworkInterfaceId: ENI,
    MacAddress: '02:00:00:00:00:02',
    PrivateIpAddress: '10.0.1.26',
    PrivateIpAddresses: [{ Primary: true, PrivateIpAddress: '10.0.1.26', Association: pub }],
    Association: pub,
    Ipv6Addresses: [],
    Attachment: { ...(eni['Attachment'] as object), AttachmentId: 'eni-attach-0456', InstanceId: AGENTLESS },
  });
  return v;
}

let backend: Backend;
let db: ServiceDb;
let s: Seeded;

async function enroll(machineId: string, hostname: string): Promise<{ hostKey: string; resourceId: string }> {
  const token = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/enrollment-tokens', {});
  const r = await call(s.base, undefined, 'POST', '/v1/agent/enroll', {
    token: (token.json as { token: string }).token,
    machineId,
    hostname,
    agentVersion: '0.1.0',
  });
  expect(r.status).toBe(201);
  return r.json as { hostKey: string; resourceId: string };
}

async function checkinFacts(hostKey: string, instanceId: string): Promise<void> {
  const r = await call(s.base, hostKey, 'POST', '/v1/agent/checkin', {
    agentVersion: '0.1.0',
    sentAt: new Date().toISOString(),
    inventoryHash: '',
    networkFacts: labFacts({ cloud: { provider: 'aws', instanceId } }, [22]),
  });
  expect(r.status).toBe(200);
}

async function findingsOf(resourceId: string, extra: Record<string, unknown> = {}): Promise<Finding[]> {
  const q = encodeURIComponent(
    JSON.stringify({
      resourceId: [{ comparison: 'EQUALS', value: resourceId }],
      findingType: [{ comparison: 'EQUALS', value: 'NETWORK_REACHABILITY' }],
      ...extra,
    }),
  );
  const r = await call(s.base, s.keys.adminA, 'GET', `/v1/findings?maxResults=100&filter=${q}`);
  expect(r.status).toBe(200);
  return (r.json as { findings: Finding[] }).findings;
}

const open = { findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }] };

async function upload(body: unknown): Promise<Record<string, unknown>> {
  const r = await call(s.base, s.keys.adminA, 'PUT', '/v1/accounts/acct-a/cloud-network', body);
  expect(r.status).toBe(200);
  return r.json as Record<string, unknown>;
}

async function coverageRow(resourceId: string): Promise<{ status: string; reason: string } | undefined> {
  return db.kysely
    .selectFrom('coverage')
    .select(['status', 'reason', 'message'])
    .where('account_id', '=', 'acct-a')
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
}

/** Live resources of the account that stand for this instance: its agentless one, or an agent's host. */
async function resourcesFor(instanceId: string): Promise<string[]> {
  const r = await call(s.base, s.keys.adminA, 'GET', '/v1/accounts/acct-a/resources');
  expect(r.status).toBe(200);
  const live = (r.json as { resources: Array<{ id: string }> }).resources.map((x) => x.id);
  const named = await db.kysely
    .selectFrom('host_network')
    .select('resource_id')
    .where('instance_id', '=', instanceId)
    .execute();
  const hosts = new Set([instanceId, ...named.map((n) => n.resource_id)]);
  return live.filter((id) => hosts.has(id)).sort();
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'agentless cloud instances in the service on %s',
  (_name, make) => {
    let agentHost = '';
    beforeAll(async () => {
      backend = make();
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 1);
      const { hostKey, resourceId } = await enroll('feedfacefeedfacefeedfacefeedface', 'web-1');
      agentHost = resourceId;
      await checkinFacts(hostKey, NAMED);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    it('an instance no agent names gets a resource, UNMANAGED_EC2_INSTANCE coverage and NO_AGENT findings with the 5-step path', async () => {
      const answer = await upload(vpcWithAgentless());
      expect(answer).toMatchObject({
        instances: 2,
        hosts: [{ instanceId: NAMED, resourceId: agentHost }],
        instancesWithoutHost: [AGENTLESS],
        agentlessRetired: [],
      });
      const res = await call(s.base, s.keys.adminA, 'GET', `/v1/accounts/acct-a/resources/${AGENTLESS}`);
      expect(res).toMatchObject({
        status: 200,
        json: {
          id: AGENTLESS,
          type: 'HOST',
          tags: { Name: 'batch-1', team: 'data' },
          details: {
            source: 'CLOUD_NETWORK',
            instanceId: AGENTLESS,
            privateIpAddresses: ['10.0.1.26'],
            publicIpAddresses: ['203.0.113.26'],
          },
          coverage: { scanType: 'PACKAGE', status: 'INACTIVE', reason: 'UNMANAGED_EC2_INSTANCE' },
        },
      });
      expect((await coverageRow(AGENTLESS)) as unknown).toMatchObject({
        message: expect.stringMatching(/no agent reports this instance/) as unknown,
      });
      // The agent's host keeps its own coverage reason: only the unmanaged instance is UNMANAGED.
      expect((await coverageRow(agentHost))?.reason).not.toBe('UNMANAGED_EC2_INSTANCE');

      const found = await findingsOf(AGENTLESS, open);
      expect(found.map((f) => `${f.networkReachabilityDetails?.category} ${f.title}`).sort()).toEqual([
        'NETWORK_EXPOSURE Port 22 is reachable from an Internet Gateway - TCP',
        'NETWORK_EXPOSURE Port range 8000-8100 is reachable from an Internet Gateway - TCP',
        'RECOGNIZED_PORT_NO_AGENT Port 22 is reachable from an Internet Gateway - TCP',
        'RECOGNIZED_PORT_NO_AGENT Port 8080 is reachable from an Internet Gateway - TCP',
      ]);
      const ssh = found.find(
        (f) =>
          f.networkReachabilityDetails?.category === 'RECOGNIZED_PORT_NO_AGENT' &&
          f.title.startsWith('Port 22'),
      );
      expect(ssh?.severity).toBe('MEDIUM');
      expect(ssh?.resources[0]).toMatchObject({ id: AGENTLESS, type: 'HOST', tags: { team: 'data' } });
      expect(ssh?.networkReachabilityDetails?.networkPath.steps).toEqual([
        { componentId: 'igw-0abc1234def567890', componentType: 'AWS::EC2::InternetGateway' },
        { componentId: 'acl-0123456789abcdef0', componentType: 'AWS::EC2::NetworkAcl' },
        { componentId: 'sg-0web0000000000001', componentType: 'AWS::EC2::SecurityGroup' },
        { componentId: ENI, componentType: 'AWS::EC2::NetworkInterface' },
        { componentId: AGENTLESS, componentType: 'AWS::EC2::Instance' },
      ]);
      // Filters and events as for any finding.
      const ranged = await findingsOf(AGENTLESS, {
        ...open,
        portRange: [{ beginInclusive: 23, endInclusive: 7999 }],
      });
      expect(ranged).toEqual([]);
      const events = await db.kysely.selectFrom('outbox').select(['type', 'subject']).execute();
      for (const f of found) expect(events).toContainEqual({ type: 'vigil.finding.created', subject: f.id });
      expect(events).toContainEqual({ type: 'vigil.coverage.changed', subject: AGENTLESS });
    });

    it('the same upload again keeps the resource and its findings (same ids, nothing new)', async () => {
      const before = (await findingsOf(AGENTLESS, open)).map((f) => f.id).sort();
      expect(await upload(vpcWithAgentless())).toMatchObject({ agentlessRetired: [] });
      expect((await findingsOf(AGENTLESS, open)).map((f) => f.id).sort()).toEqual(before);
      expect(await resourcesFor(AGENTLESS)).toEqual([AGENTLESS]);
      // The periodic pass: nothing is due now, the resource is once it is 12 h old.
      const errors: unknown[] = [];
      const onError = (_a: unknown, err: unknown): void => void errors.push(err);
      expect(await reanalyseDueAgentlessInstances(db.kysely, new Date(), onError)).toBe(0);
      const later = new Date(Date.now() + REANALYSIS_AGE_MS + 60_000);
      expect(await reanalyseDueAgentlessInstances(db.kysely, later, onError)).toBe(1);
      expect(await reanalyseDueAgentlessInstances(db.kysely, later, onError)).toBe(0);
      expect(errors).toEqual([]);
      expect((await findingsOf(AGENTLESS, open)).map((f) => f.id).sort()).toEqual(before);
    });

    it('an upload without the instance closes its findings and terminates its resource', async () => {
      const ids = (await findingsOf(AGENTLESS, open)).map((f) => f.id);
      expect(await upload(VPC)).toMatchObject({ instancesWithoutHost: [], agentlessRetired: [AGENTLESS] });
      expect(await findingsOf(AGENTLESS, open)).toEqual([]);
      const closed = await findingsOf(AGENTLESS, {
        findingStatus: [{ comparison: 'EQUALS', value: 'CLOSED' }],
      });
      expect(closed.map((f) => f.id).sort()).toEqual(ids.sort());
      const res = await call(s.base, s.keys.adminA, 'GET', `/v1/accounts/acct-a/resources/${AGENTLESS}`);
      expect(res.status).toBe(404);
      expect(await coverageRow(AGENTLESS)).toMatchObject({
        status: 'INACTIVE',
        reason: 'RESOURCE_TERMINATED',
      });
      // The agent's host keeps its cloud findings.
      expect((await findingsOf(agentHost, open)).length).toBeGreaterThan(0);
    });

    it('an agent that names a formerly agentless instance retires that resource: one open resource only', async () => {
      await upload(vpcWithAgentless());
      expect(await resourcesFor(AGENTLESS)).toEqual([AGENTLESS]);
      expect((await coverageRow(AGENTLESS))?.reason).toBe('UNMANAGED_EC2_INSTANCE');
      const reopened = await findingsOf(AGENTLESS, open);
      expect(reopened).toHaveLength(4);

      const { hostKey, resourceId } = await enroll('0badcafe0badcafe0badcafe0badcafe', 'batch-1');
      await checkinFacts(hostKey, AGENTLESS);
      expect(await resourcesFor(AGENTLESS)).toEqual([resourceId]);
      expect(await findingsOf(AGENTLESS, open)).toEqual([]);
      expect(await coverageRow(AGENTLESS)).toMatchObject({ reason: 'RESOURCE_TERMINATED' });
      const carried = await findingsOf(resourceId, open);
      expect(carried.map((f) => f.networkReachabilityDetails?.category)).toContain(
        'RECOGNIZED_PORT_WITH_LISTENER',
      );
      // A later upload does not bring the agentless resource back while the agent names the instance.
      expect(await upload(vpcWithAgentless())).toMatchObject({
        hosts: [
          { instanceId: NAMED, resourceId: agentHost },
          { instanceId: AGENTLESS, resourceId },
        ],
        instancesWithoutHost: [],
      });
      expect(await resourcesFor(AGENTLESS)).toEqual([resourceId]);
    });
  },
);

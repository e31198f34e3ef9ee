import cvssCalculator from 'ae-cvss-calculator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource, PACKAGE_SCAN_TYPES } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import type { NetworkFacts } from '../../src/network/network-facts.js';
import { labFacts } from '../../src/network/testing/facts-builder.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { BACKENDS, type Backend } from './service-db-backends.js';

/**
 * An account's trusted CIDRs through the real HTTP server on SQLite and PostgreSQL: a host whose
 * firewall admits SSH only from a public /24 has an internet-reachable port 22 until the account
 * names that /24 as trusted; then the finding closes with its event and the host's AV:N package
 * finding is scored in the new context; trusting nothing reopens the same finding.
 */
const OFFICE = '203.0.114.0/24'; // public space (TEST-NET blocks are not the internet to vigil)
const SSH_TITLE = 'Port 22 is reachable from the internet through the host firewall - TCP';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const SETTINGS = '/v1/accounts/acct-a/network-settings';

/** iptables-save of a host that drops by default and accepts SSH from the office only. */
const OFFICE_ONLY: NetworkFacts['firewall'] = {
  iptables: [
    {
      family: 4,
      flavour: 'nf_tables',
      text: [
        '*filter',
        ':INPUT DROP [0:0]',
        ':FORWARD ACCEPT [0:0]',
        ':OUTPUT ACCEPT [0:0]',
        `-A INPUT -s ${OFFICE} -p tcp -m tcp --dport 22 -j ACCEPT`,
        'COMMIT',
        '',
      ].join('\n'),
    },
  ],
  generatedBy: [],
  active: true,
};

let backend: Backend;
let db: ServiceDb;
let s: Seeded;
let hostKey = '';
let resourceId = '';

type Listed = Finding & { networkReachabilityDetails?: unknown };

async function hostFindings(type: string): Promise<Listed[]> {
  const filter = {
    resourceId: [{ comparison: 'EQUALS', value: resourceId }],
    findingType: [{ comparison: 'EQUALS', value: type }],
  };
  const q = encodeURIComponent(JSON.stringify(filter));
  const r = await call(s.base, s.keys.adminA, 'GET', `/v1/findings?maxResults=100&filter=${q}`);
  expect(r.status).toBe(200);
  return (r.json as { findings: Listed[] }).findings;
}

async function ssh(): Promise<Listed | undefined> {
  return (await hostFindings('NETWORK_REACHABILITY')).find((f) => f.title === SSH_TITLE);
}

async function packageFindingListed(): Promise<Listed | undefined> {
  return (await hostFindings('PACKAGE_VULNERABILITY'))[0];
}

async function packageScore(): Promise<number | undefined> {
  return (await packageFindingListed())?.score;
}

async function put(
  key: string,
  body: unknown,
  account = 'acct-a',
): Promise<{ status: number; json: unknown }> {
  return call(s.base, key, 'PUT', `/v1/accounts/${account}/network-settings`, body);
}

async function maxSeq(): Promise<number> {
  const r = await db.kysely
    .selectFrom('outbox')
    .select((e) => e.fn.max('seq').as('m'))
    .executeTakeFirst();
  return Number(r?.m ?? 0);
}

async function eventsOf(subject: string, after: number): Promise<string[]> {
  const rows = await db.kysely
    .selectFrom('outbox')
    .select(['type'])
    .where('seq', '>', after)
    .where('subject', '=', subject)
    .execute();
  return rows.map((r) => r.type);
}

/** What ae-cvss-calculator gives for the vector with MAV:A. */
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

function packageFinding(): Finding {
  return {
    id: 'pkg-trusted-1',
    accountId: 'acct-a',
    type: 'PACKAGE_VULNERABILITY',
    title: 'CVE-2099-0002 - openssl',
    description: 'd',
    status: 'ACTIVE',
    severity: 'CRITICAL',
    score: 9.8,
    scoreDetails: { baseScore: 9.8, baseVector: VECTOR, cvssVersion: '3.1', source: 'nvd', adjustments: [] },
    firstObservedAt: '',
    lastObservedAt: '',
    updatedAt: '',
    exploitAvailable: 'NO',
    fixAvailable: 'YES',
    remediation: { recommendation: { text: '' } },
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'trusted CIDRs of an account on %s',
  (_name, make) => {
    beforeAll(async () => {
      backend = make();
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 1);
      const token = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/enrollment-tokens', {});
      const enrolled = await call(s.base, undefined, 'POST', '/v1/agent/enroll', {
        token: (token.json as { token: string }).token,
        machineId: 'c0ffeec0ffeec0ffeec0ffeec0ffee00',
        hostname: 'bastion-1',
        agentVersion: '0.1.0',
      });
      expect(enrolled.status).toBe(201);
      ({ hostKey, resourceId } = enrolled.json as { hostKey: string; resourceId: string });
      const checkin = await call(s.base, hostKey, 'POST', '/v1/agent/checkin', {
        agentVersion: '0.1.0',
        sentAt: new Date().toISOString(),
        inventoryHash: '',
        networkFacts: labFacts({ firewall: OFFICE_ONLY }, [22]),
      });
      expect(checkin.status).toBe(200);
      await applyScanOfResource(db.kysely, {
        accountId: 'acct-a',
        resourceId,
        findings: [packageFinding()],
        now: new Date(),
        findingTypes: PACKAGE_SCAN_TYPES,
      });
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    it('a port open only to a trusted /24 stops being internet-reachable, and reopens when trust goes', async () => {
      expect((await call(s.base, s.keys.readOnlyA, 'GET', SETTINGS)).json).toEqual({ trustedCidrs: [] });
      const before = await ssh();
      expect(before?.status).toBe('ACTIVE');
      expect(await packageScore()).toBe(9.8);

      const seq = await maxSeq();
      const trusted = await put(s.keys.adminA, { trustedCidrs: [OFFICE, '2001:67c:2e8::/48'] });
      expect(trusted).toMatchObject({
        status: 200,
        json: { analysed: 1, trustedCidrs: [OFFICE, '2001:67c:2e8::/48'] },
      });
      expect((await call(s.base, s.keys.readOnlyA, 'GET', SETTINGS)).json).toEqual({
        trustedCidrs: [OFFICE, '2001:67c:2e8::/48'],
      });
      const closed = await ssh();
      expect({ id: closed?.id, status: closed?.status }).toEqual({ id: before?.id, status: 'CLOSED' });
      expect(await eventsOf(before?.id ?? '', seq)).toEqual(['vigil.finding.closed']);
      // No path from the internet is left: the AV:N finding is scored as adjacent, with its event.
      expect(await packageScore()).toBe(withAdjacent(VECTOR));
      expect(await eventsOf((await packageFindingListed())?.id ?? '', seq)).toEqual([
        'vigil.finding.updated',
      ]);

      const seq2 = await maxSeq();
      expect((await put(s.keys.adminA, { trustedCidrs: [] })).status).toBe(200);
      const reopened = await ssh();
      expect({ id: reopened?.id, status: reopened?.status }).toEqual({ id: before?.id, status: 'ACTIVE' });
      expect(await eventsOf(before?.id ?? '', seq2)).toEqual(['vigil.finding.updated']);
      expect(await packageScore()).toBe(9.8);
    });

    it('refuses a bad entry with NETWORK_SETTINGS_INVALID naming it, storing nothing', async () => {
      await put(s.keys.adminA, { trustedCidrs: ['10.9.0.0/16'] });
      const bad: Array<[unknown, string]> = [
        [{ trustedCidrs: ['10.0.0.0/8', '10.1.2.300/24'] }, 'trustedCidrs[1]'],
        [{ trustedCidrs: ['10.0.0.0/33'] }, 'trustedCidrs[0]'],
        [{ trustedCidrs: ['127.1/8'] }, 'trustedCidrs[0]'],
        [{ trustedCidrs: ['10.0.0.1'] }, 'trustedCidrs[0]'],
        [{ trustedCidrs: ['fd00::/129'] }, 'trustedCidrs[0]'],
        [{ trustedCidrs: [42] }, 'trustedCidrs[0]'],
        [{ trustedCidrs: '10.0.0.0/8' }, 'trustedCidrs'],
        [{ trustedCidrs: [], vpn: true }, 'vpn'],
        [
          { trustedCidrs: Array.from({ length: 1001 }, (_, i) => `10.${i >> 8}.${i & 255}.0/24`) },
          'trustedCidrs',
        ],
      ];
      for (const [body, field] of bad) {
        const r = await put(s.keys.adminA, body);
        expect({ field, status: r.status, json: r.json }).toMatchObject({
          field,
          status: 400,
          json: { code: 'NETWORK_SETTINGS_INVALID', details: { field } },
        });
      }
      const r = await put(s.keys.adminA, { trustedCidrs: ['10.0.0.0/8', 'nope'] });
      expect((r.json as { message: string }).message).toContain(
        'trustedCidrs[1] is not an IPv4 or IPv6 CIDR: "nope"',
      );
      expect((await call(s.base, s.keys.adminA, 'GET', SETTINGS)).json).toEqual({
        trustedCidrs: ['10.9.0.0/16'],
      });
      expect((await put(s.keys.adminA, { trustedCidrs: [] })).status).toBe(200);
    });

    it('needs an admin of the account or its delegated administrator to write; another account sees 404', async () => {
      const body = { trustedCidrs: [OFFICE] };
      expect((await put(s.keys.memberA, body)).status).toBe(403);
      expect((await put(s.keys.readOnlyA, body)).status).toBe(403);
      // A key that may not write learns nothing from a 400: authorization comes first.
      expect((await put(s.keys.memberA, { trustedCidrs: ['nope'] })).status).toBe(403);
      expect((await put(s.keys.adminB, body)).status).toBe(404);
      expect((await call(s.base, s.keys.memberB, 'GET', SETTINGS)).status).toBe(404);
      expect((await call(s.base, s.keys.adminA, 'GET', SETTINGS)).json).toEqual({ trustedCidrs: [] });
      // The delegated administrator's admin key manages a member account's settings.
      expect((await put(s.keys.orgAdmin, body)).status).toBe(200);
      expect((await ssh())?.status).toBe('CLOSED');
      expect((await put(s.keys.orgAdmin, { trustedCidrs: [] })).status).toBe(200);
    });
  },
);

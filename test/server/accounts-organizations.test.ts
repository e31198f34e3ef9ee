import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import { createApiKey } from '../../src/accounts/api-keys.js';
import {
  belongsTo,
  createMemberAccount,
  createOrganization,
  findOrganization,
} from '../../src/accounts/organization-service.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { randomFinding, rng } from './random-findings.js';
import { BACKENDS } from './service-db-backends.js';

describe.each(BACKENDS.map((make) => [make().name, make] as const))(
  'organizations and member accounts on %s',
  (_name, make) => {
    const backend = make();
    let db: ServiceDb;
    let s: Seeded;

    beforeAll(async () => {
      await backend.setup();
      db = (await backend.fresh()).db;
      s = await seedAndListen(db, 2);
    });
    afterAll(async () => {
      await s.app.close();
      await db.close();
      await backend.teardown();
    });

    /** An account in no organization with its first admin key, as `vigil admin create-key` makes them. */
    async function standaloneAdmin(id: string): Promise<string> {
      await db.kysely
        .insertInto('accounts')
        .values({
          id,
          name: id,
          organization_id: null,
          host_scanning: 1,
          image_scanning: 1,
          network_scanning: 1,
          created_at: '2026-03-01T00:00:00.000Z',
        })
        .execute();
      return (await createApiKey(db.kysely, { accountId: id, role: 'admin' })).key;
    }

    async function scanFindings(accountId: string, n: number): Promise<void> {
      const findings = Array.from({ length: n }, (_, i) => ({
        ...randomFinding(rng(i + 11), i),
        id: `${accountId}-f${i}`,
        resources: [{ id: `${accountId}-host`, type: 'HOST' as const, details: {} }],
      }));
      await applyScanOfResource(db.kysely, {
        accountId,
        resourceId: `${accountId}-host`,
        findings,
        now: new Date('2026-03-01T00:00:00.000Z'),
      });
    }

    const ids = (json: unknown, list: string): string[] =>
      ((json as Record<string, Array<{ id?: string; accountId?: string }>>)[list] ?? []).map(
        (x) => x.accountId ?? x.id ?? '',
      );

    it('a fresh admin creates an organization, adds two member accounts and sees what they see, they only their own', async () => {
      const boss = await standaloneAdmin('acct-boss');
      expect(ids((await call(s.base, boss, 'GET', '/v1/accounts')).json, 'accounts')).toEqual(['acct-boss']);

      const created = await call(s.base, boss, 'POST', '/v1/organizations', { name: 'Acme' });
      expect(created.status).toBe(201);
      const org = created.json as { id: string; delegatedAdminAccountId: string; accounts: unknown[] };
      expect(org).toMatchObject({
        name: 'Acme',
        delegatedAdminAccountId: 'acct-boss',
        accounts: [{ id: 'acct-boss' }],
      });
      const again = await call(s.base, boss, 'POST', '/v1/organizations', { name: 'Acme 2' });
      expect(again).toMatchObject({ status: 409, json: { code: 'ALREADY_IN_ORGANIZATION' } });

      const m1 = await call(s.base, boss, 'POST', `/v1/organizations/${org.id}/accounts`, {
        id: 'acct-m1',
        name: 'one',
      });
      expect(m1).toMatchObject({
        status: 201,
        json: {
          id: 'acct-m1',
          name: 'one',
          organizationId: org.id,
          scanning: { host: true, image: true, network: true },
        },
      });
      const m2 = await call(s.base, boss, 'POST', `/v1/organizations/${org.id}/accounts`, { name: 'two' });
      expect(m2.status).toBe(201);
      const m2Id = (m2.json as { id: string }).id;
      expect(m2Id).toMatch(/^acct-/);
      const dup = await call(s.base, boss, 'POST', `/v1/organizations/${org.id}/accounts`, {
        id: 'acct-m1',
        name: 'x',
      });
      expect(dup).toMatchObject({ status: 409, json: { code: 'ACCOUNT_EXISTS' } });
      // An existing account of another organization cannot be adopted by naming it.
      const steal = await call(s.base, boss, 'POST', `/v1/organizations/${org.id}/accounts`, {
        id: 'acct-b',
        name: 'b',
      });
      expect(steal.status).toBe(409);

      await scanFindings('acct-m1', 3);
      await scanFindings(m2Id, 2);
      const all = [...ids((await call(s.base, boss, 'GET', '/v1/accounts')).json, 'accounts')].sort();
      expect(all).toEqual(['acct-boss', 'acct-m1', m2Id].sort());
      const bossFindings = ids((await call(s.base, boss, 'GET', '/v1/findings')).json, 'findings');
      expect(bossFindings.filter((a) => a === 'acct-m1')).toHaveLength(3);
      expect(bossFindings.filter((a) => a === m2Id)).toHaveLength(2);
      expect(bossFindings).toHaveLength(5);

      // The delegated admin mints the members' keys; each sees its own account and findings only.
      const keyOf = async (accountId: string): Promise<string> =>
        (
          (await call(s.base, boss, 'POST', `/v1/accounts/${accountId}/keys`, { role: 'member' })).json as {
            key: string;
          }
        ).key;
      const k1 = await keyOf('acct-m1');
      const k2 = await keyOf(m2Id);
      expect(ids((await call(s.base, k1, 'GET', '/v1/accounts')).json, 'accounts')).toEqual(['acct-m1']);
      expect(ids((await call(s.base, k1, 'GET', '/v1/findings')).json, 'findings')).toEqual(
        Array(3).fill('acct-m1'),
      );
      expect(ids((await call(s.base, k2, 'GET', '/v1/findings')).json, 'findings')).toEqual(
        Array(2).fill(m2Id),
      );
      expect((await call(s.base, k1, 'GET', `/v1/accounts/${m2Id}`)).status).toBe(404);
      // Members read their organization but are shown only their own account in it.
      const asMember = await call(s.base, k1, 'GET', `/v1/organizations/${org.id}`);
      expect(asMember).toMatchObject({ status: 200, json: { name: 'Acme', accounts: [{ id: 'acct-m1' }] } });
      expect(JSON.stringify(asMember.json)).not.toContain(m2Id);
      const asBoss = await call(s.base, boss, 'GET', `/v1/organizations/${org.id}`);
      expect(ids(asBoss.json, 'accounts').sort()).toEqual(['acct-boss', 'acct-m1', m2Id].sort());
      // Nobody outside the organization learns it exists.
      expect((await call(s.base, s.keys.orgAdmin, 'GET', `/v1/organizations/${org.id}`)).status).toBe(404);
      expect(
        (await call(s.base, s.keys.orgAdmin, 'POST', `/v1/organizations/${org.id}/accounts`, { name: 'x' }))
          .status,
      ).toBe(404);
    });

    it('only admin keys of the delegated admin add accounts; accounts already in an organization cannot create one', async () => {
      const path = '/v1/organizations/org-1/accounts';
      expect((await call(s.base, s.keys.adminA, 'POST', path, { name: 'x' })).status).toBe(403);
      expect((await call(s.base, s.keys.memberA, 'POST', path, { name: 'x' })).status).toBe(403);
      expect((await call(s.base, s.keys.readOnlyA, 'POST', path, { name: 'x' })).status).toBe(403);
      const memberOfAdmin = (await createApiKey(db.kysely, { accountId: 'acct-admin', role: 'member' })).key;
      expect((await call(s.base, memberOfAdmin, 'POST', path, { name: 'x' })).status).toBe(403);
      expect((await call(s.base, s.keys.orgAdmin, 'POST', path, { id: 'bad id!', name: 'x' })).status).toBe(
        400,
      );
      const added = await call(s.base, s.keys.orgAdmin, 'POST', path, { id: 'acct-c', name: 'c' });
      expect(added.status).toBe(201);
      const accounts = ids((await call(s.base, s.keys.orgAdmin, 'GET', '/v1/accounts')).json, 'accounts');
      expect(accounts).toContain('acct-c');

      for (const key of [s.keys.adminA, s.keys.orgAdmin]) {
        const r = await call(s.base, key, 'POST', '/v1/organizations', { name: 'again' });
        expect(r).toMatchObject({ status: 409, json: { code: 'ALREADY_IN_ORGANIZATION' } });
      }
      expect((await call(s.base, s.keys.memberA, 'POST', '/v1/organizations', { name: 'x' })).status).toBe(
        403,
      );
      const loner = await standaloneAdmin('acct-loner');
      const lonerMember = (await createApiKey(db.kysely, { accountId: 'acct-loner', role: 'member' })).key;
      expect((await call(s.base, lonerMember, 'POST', '/v1/organizations', { name: 'x' })).status).toBe(403);
      expect((await call(s.base, loner, 'GET', '/v1/organizations/org-1')).status).toBe(404);
      const orgs = await db.kysely.selectFrom('organizations').select('id').execute();
      expect(orgs.map((o) => o.id).filter((id) => id !== 'org-1')).toHaveLength(1);
    });

    it('a member of org-1 reads it without learning the other member accounts', async () => {
      const r = await call(s.base, s.keys.memberA, 'GET', '/v1/organizations/org-1');
      expect(r).toMatchObject({ status: 200, json: { id: 'org-1', accounts: [{ id: 'acct-a' }] } });
      expect(JSON.stringify(r.json)).not.toContain('acct-b');
      const admin = await call(s.base, s.keys.orgAdmin, 'GET', '/v1/organizations/org-1');
      expect(ids(admin.json, 'accounts')).toEqual(expect.arrayContaining(['acct-a', 'acct-admin', 'acct-b']));
    });

    it('a non-member probing an organization gets 404 whatever the body', async () => {
      const loner = await standaloneAdmin('acct-prober');
      for (const body of [{}, { name: 'x' }, { id: 'bad id!', name: 'x' }]) {
        const r = await call(s.base, loner, 'POST', '/v1/organizations/org-1/accounts', body);
        expect({ body, status: r.status }).toEqual({ body, status: 404 });
      }
      expect((await call(s.base, loner, 'POST', '/v1/organizations/no-such-org/accounts', {})).status).toBe(
        404,
      );
    });

    it('racing creations: one organization per account, one account per id, whoever commits first', async () => {
      await standaloneAdmin('acct-racer');
      const now = new Date('2026-03-02T00:00:00.000Z');
      const orgs = await Promise.allSettled(
        Array.from({ length: 4 }, (_, i) =>
          createOrganization(db.kysely, { accountId: 'acct-racer', name: `r${i}`, now }),
        ),
      );
      const won = orgs.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []));
      expect(won).toHaveLength(1);
      expect(
        orgs.filter((r) => r.status === 'rejected').map((r) => (r.reason as { code?: string }).code),
      ).toEqual(Array(3).fill('ALREADY_IN_ORGANIZATION'));
      const org = won[0]!;
      expect(await findOrganization(db.kysely, org.id)).toEqual(org);
      const members = await Promise.allSettled(
        Array.from({ length: 3 }, () =>
          createMemberAccount(db.kysely, { organizationId: org.id, id: 'acct-twin', name: 't', now }),
        ),
      );
      expect(members.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
      expect(await belongsTo(db.kysely, org, 'acct-twin')).toBe(true);
      expect(await belongsTo(db.kysely, org, 'acct-racer')).toBe(true);
      expect(await belongsTo(db.kysely, org, 'acct-a')).toBe(false);
      // The losers left nothing behind: no orphan organization rows.
      const rows = await db.kysely.selectFrom('organizations').select('delegated_admin_account_id').execute();
      expect(rows.filter((r) => r.delegated_admin_account_id === 'acct-racer')).toHaveLength(1);
    });
  },
);

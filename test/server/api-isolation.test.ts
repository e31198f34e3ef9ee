import { afterAll, beforeAll, expect, it } from 'vitest';
import { createApiKey } from '../../src/accounts/api-keys.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { sqliteBackend } from './service-db-backends.js';
import { call, seedAndListen, type Seeded } from './api-server.js';
import { seedAccountB } from './seeds/isolation-seeds.js';
import type { SeededIds } from './seeds/seed-context.js';

const backend = sqliteBackend();
let db: ServiceDb;
let s: Seeded;
let idsB: SeededIds;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  // No background tasks: the webhook dispatcher's cursor and a queued report's status would move between
  // two snapshots of a busy machine, and only requests' writes are looked for here.
  s = await seedAndListen(db, 5, undefined, false);
  idsB = await seedAccountB({ s, db });
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await backend.teardown();
});

/** Routes that take their own credentials, never an API key: an API key there is a 401. */
const OWN_CREDENTIALS = new Set(['/v1/agent/checkin', '/v1/registry-events/{registryId}']);

interface Operation {
  method: string;
  path: string;
}

async function operations(): Promise<Operation[]> {
  const doc = (await call(s.base, s.keys.orgAdmin, 'GET', '/openapi.json')).json as {
    paths: Record<string, Record<string, unknown>>;
  };
  return Object.entries(doc.paths).flatMap(([path, ops]) =>
    Object.keys(ops).map((m) => ({ method: m.toUpperCase(), path })),
  );
}

/** Every path parameter is filled with account B's ids; an unknown parameter name fails the walk. */
function asAccountB(path: string): string {
  return path.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = idsB[name];
    if (v === undefined) throw new Error(`isolation walk: teach it the path parameter {${name}}`);
    return v;
  });
}

it('walks every route in /openapi.json: account A member key gets nothing of account B', async () => {
  const ops = await operations();
  expect(ops.length).toBeGreaterThanOrEqual(2);
  for (const op of ops) {
    const r = await call(
      s.base,
      s.keys.memberA,
      op.method,
      asAccountB(op.path),
      op.method === 'GET' ? undefined : {},
    );
    const text = JSON.stringify(r.json ?? '');
    const leaked = Object.values(idsB).some((id) => text.includes(id));
    // The check-in route takes host keys only: an API key there is 401 HOST_KEY_INVALID; a registry's
    // notification route takes its notification secret only: 401 NOTIFICATION_SECRET_INVALID.
    const refused =
      r.status === 403 || r.status === 404 || (OWN_CREDENTIALS.has(op.path) && r.status === 401);
    // A route that is not account-scoped (GET /v1/findings, POST /v1/reports) may answer 2xx, or 400 for
    // the empty body, but never with anything of B's.
    const harmless = (r.status >= 200 && r.status < 300) || r.status === 400;
    expect({ op, status: r.status, ok: refused || (harmless && !leaked) }).toEqual({
      op,
      status: r.status,
      ok: true,
    });
  }
});

it('walks every mutating route in /openapi.json: a read-only key gets 403', async () => {
  // Console sign-in takes its key from the body (public), and signing out changes no data; the agent's
  // routes take their own credentials (an enrollment token in the body, a host key), walked below.
  const SESSION_OPS = new Set([
    'POST /v1/sessions',
    'DELETE /v1/sessions/current',
    'POST /v1/agent/enroll',
    'POST /v1/agent/checkin',
    // A registry's notifications: its notification secret, never an API key (walked in test/registries).
    'POST /v1/registry-events/{registryId}',
  ]);
  const ops = (await operations()).filter(
    (o) => !['GET', 'HEAD', 'OPTIONS'].includes(o.method) && !SESSION_OPS.has(`${o.method} ${o.path}`),
  );
  for (const op of ops) {
    const path = op.path
      .replace(/\{accountId\}/g, 'acct-a')
      .replace(/\{resourceId\}/g, s.resources.a)
      .replace(/\{\w+\}/g, 'any-id');
    const r = await call(s.base, s.keys.readOnlyA, op.method, path, {});
    expect({ op, status: r.status }).toEqual({ op, status: 403 });
  }
  // The check is global (the auth hook): even a method no route declares is refused to read-only keys.
  expect((await call(s.base, s.keys.readOnlyA, 'DELETE', '/v1/findings')).status).toBe(403);
});

/** Every table a write could touch, as text (the audit log, which refusals write to, left out). */
async function dataSnapshot(): Promise<string> {
  const k = db.kysely;
  const tables = [
    await k.selectFrom('accounts').selectAll().orderBy('id').execute(),
    await k.selectFrom('api_keys').select(['id', 'role', 'revoked_at']).orderBy('id').execute(),
    await k.selectFrom('resources').selectAll().orderBy('account_id').orderBy('id').execute(),
    await k.selectFrom('resource_tags').selectAll().orderBy('resource_id').orderBy('key').execute(),
    await k.selectFrom('inventories').selectAll().orderBy('resource_id').execute(),
    await k.selectFrom('findings').select(['id', 'status', 'updated_at']).orderBy('id').execute(),
    await k.selectFrom('scans').select('id').orderBy('id').execute(),
    await k.selectFrom('suppression_rules').selectAll().orderBy('id').execute(),
    await k.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute(),
    await k.selectFrom('reports').select(['id', 'status']).orderBy('id').execute(),
    await k.selectFrom('outbox').select('seq').orderBy('seq').execute(),
    await k.selectFrom('enrollment_tokens').select(['id', 'uses', 'revoked_at']).orderBy('id').execute(),
    await k.selectFrom('host_keys').select(['id', 'revoked_at']).orderBy('id').execute(),
    await k.selectFrom('coverage').selectAll().orderBy('account_id').orderBy('resource_id').execute(),
    await k.selectFrom('host_network').selectAll().orderBy('account_id').orderBy('resource_id').execute(),
    await k.selectFrom('cloud_networks').selectAll().orderBy('account_id').execute(),
    await k.selectFrom('registries').selectAll().orderBy('id').execute(),
    await k.selectFrom('registry_images').selectAll().orderBy('resource_id').execute(),
    await k.selectFrom('image_scan_configs').selectAll().orderBy('account_id').execute(),
    await k.selectFrom('network_settings').selectAll().orderBy('account_id').execute(),
    await k.selectFrom('image_layer_chains').selectAll().orderBy('resource_id').execute(),
    await k.selectFrom('cis_scan_configs').selectAll().orderBy('id').execute(),
    await k.selectFrom('cis_scans').selectAll().orderBy('id').execute(),
    await k.selectFrom('assessment_targets').selectAll().orderBy('id').execute(),
    await k.selectFrom('assessment_templates').selectAll().orderBy('id').execute(),
    await k.selectFrom('assessment_runs').selectAll().orderBy('id').execute(),
    await k.selectFrom('cis_scan_targets').selectAll().orderBy('scan_id').orderBy('resource_id').execute(),
    await k
      .selectFrom('host_assessment_facts')
      .selectAll()
      .orderBy('account_id')
      .orderBy('resource_id')
      .execute(),
    await k.selectFrom('applied_objects').selectAll().orderBy('account_id').orderBy('object_id').execute(),
  ];
  return JSON.stringify(tables);
}

it("walks every mutating route of a member account: the delegated admin's member key reads there, never writes", async () => {
  const memberOfAdmin = (await createApiKey(db.kysely, { accountId: 'acct-admin', role: 'member' })).key;
  const readOnlyOfAdmin = (await createApiKey(db.kysely, { accountId: 'acct-admin', role: 'read-only' })).key;
  // Reading member accounts stays allowed to every key of the delegated administrator (as in Inspector).
  for (const key of [memberOfAdmin, readOnlyOfAdmin]) {
    const r = await call(s.base, key, 'GET', `/v1/accounts/acct-b/resources/${s.resources.b}`);
    expect(r).toMatchObject({ status: 200, json: { id: s.resources.b, accountId: 'acct-b' } });
  }
  const writes = (await operations()).filter(
    (o) => !['GET', 'HEAD', 'OPTIONS'].includes(o.method) && o.path.includes('{accountId}'),
  );
  expect(writes.length).toBeGreaterThanOrEqual(10);
  const before = await dataSnapshot();
  for (const op of writes) {
    const r = await call(s.base, memberOfAdmin, op.method, asAccountB(op.path), {});
    expect({ op, status: r.status }).toEqual({ op, status: 403 });
  }
  expect(await dataSnapshot()).toEqual(before);
  // The delegated administrator's admin key does write there.
  const byAdmin = await call(s.base, s.keys.orgAdmin, 'POST', '/v1/accounts/acct-b/resources', {
    id: 'added-by-org-admin',
    type: 'HOST',
  });
  expect(byAdmin.status).toBe(201);
});

it('walks every route in /openapi.json with a host key: it can do nothing but check in for its own host', async () => {
  const token = await call(s.base, s.keys.adminA, 'POST', '/v1/accounts/acct-a/enrollment-tokens', {});
  const enrolled = await call(s.base, undefined, 'POST', '/v1/agent/enroll', {
    token: (token.json as { token: string }).token,
    machineId: 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0',
    hostname: 'host-of-a',
    agentVersion: '0.1.0',
  });
  const hostKey = (enrolled.json as { hostKey: string }).hostKey;
  expect(hostKey).toMatch(/^vh_/);
  // Routes that read their credentials from the body answer 400 to an empty one, whatever the header.
  const BODY_CREDENTIALS = new Set(['POST /v1/sessions', 'POST /v1/agent/enroll']);
  const outboxBefore = await db.kysely
    .selectFrom('outbox')
    .select((e) => e.fn.countAll().as('n'))
    .executeTakeFirst();
  for (const op of await operations()) {
    for (const path of [asAccountB(op.path), asAccountA(op.path)]) {
      const r = await call(s.base, hostKey, op.method, path, op.method === 'GET' ? undefined : {});
      const text = JSON.stringify(r.json ?? '');
      const leaked = Object.values(idsB).some((id) => text.includes(id));
      const own = `${op.method} ${op.path}`;
      // A registry's notification route: 401 for B's registry (a host key is no secret), 404 for an unknown id.
      const expected =
        own === 'POST /v1/agent/checkin' || BODY_CREDENTIALS.has(own)
          ? [400]
          : own === 'POST /v1/registry-events/{registryId}'
            ? [401, 404]
            : [401, 403];
      expect({ op, path, leaked, ok: expected.includes(r.status) }).toEqual({
        op,
        path,
        leaked: false,
        ok: true,
      });
    }
  }
  // Nor does it open a console session.
  expect((await call(s.base, undefined, 'POST', '/v1/sessions', { key: hostKey })).status).toBe(401);
  const outboxAfter = await db.kysely
    .selectFrom('outbox')
    .select((e) => e.fn.countAll().as('n'))
    .executeTakeFirst();
  expect(Number(outboxAfter?.n)).toBe(Number(outboxBefore?.n));
});

/** Every path parameter filled with account A's own ids (the host key's account): still refused. */
function asAccountA(path: string): string {
  return path
    .replace(/\{accountId\}/g, 'acct-a')
    .replace(/\{resourceId\}/g, 'host:a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0')
    .replace(/\{\w+\}/g, 'any-id');
}

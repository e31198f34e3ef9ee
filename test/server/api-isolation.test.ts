import { afterAll, beforeAll, expect, it } from 'vitest';
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
  s = await seedAndListen(db, 5);
  idsB = await seedAccountB({ s, db });
});
afterAll(async () => {
  await s.app.close();
  await db.close();
  await backend.teardown();
});

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
    const refused = r.status === 403 || r.status === 404;
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
  // Console sign-in takes its key from the body (public), and signing out changes no data.
  const SESSION_OPS = new Set(['POST /v1/sessions', 'DELETE /v1/sessions/current']);
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

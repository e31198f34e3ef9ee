import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { applyScanOfResource } from '../../src/findings/finding-lifecycle.js';
import type { Finding } from '../../src/findings/finding-types.js';
import { randomFinding, rng } from './random-findings.js';
import type { VulnStore } from '../../src/vulndb/vuln-types.js';

const NOW = '2026-03-01T00:00:00.000Z';

/**
 * What test servers pass so they may reach the test's own registries and webhook receivers, which
 * listen on 127.0.0.1: the server refuses loopback by default (issue 10), as an operator would allow it.
 */
export const LOOPBACK_EGRESS = { egressAllow: ['127.0.0.1'] } as const;

export interface Seeded {
  base: string;
  app: FastifyInstance;
  keys: {
    memberA: string;
    readOnlyA: string;
    adminA: string;
    memberB: string;
    adminB: string;
    orgAdmin: string;
  };
  resources: { a: string; b: string };
}

function finding(identity: string, resourceId: string, i: number): Finding {
  return {
    ...randomFinding(rng(i + 1), i),
    id: identity,
    status: 'ACTIVE',
    resources: [{ id: resourceId, type: 'HOST', details: {} }],
  };
}

/**
 * An organization whose delegated admin is acct-admin, with member accounts acct-a and acct-b, a host
 * and findings in each, keys of every role, and the real server listening on 127.0.0.1, port 0, with
 * egress to 127.0.0.1 allowed.
 */
export async function seedAndListen(
  db: ServiceDb,
  findingsPerAccount = 30,
  store?: VulnStore,
  /** false: no background tasks (workers, dispatcher, sweeps), for tests that compare snapshots of rows. */
  background?: boolean,
): Promise<Seeded> {
  const k = db.kysely;
  await k
    .insertInto('organizations')
    .values({ id: 'org-1', name: 'Org', delegated_admin_account_id: 'acct-admin', created_at: NOW })
    .execute();
  for (const id of ['acct-admin', 'acct-a', 'acct-b']) await insertAccount(db, id, 'org-1');
  const resources = { a: 'host-a1', b: 'host-b1' };
  for (const [acct, rid] of [
    ['acct-a', resources.a],
    ['acct-b', resources.b],
  ] as const) {
    await k
      .insertInto('resources')
      .values({
        id: rid,
        account_id: acct,
        type: 'HOST',
        tags_json: '{}',
        details_json: '{}',
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
    const findings = Array.from({ length: findingsPerAccount }, (_, i) => finding(`${acct}-${i}`, rid, i));
    await applyScanOfResource(k, { accountId: acct, resourceId: rid, findings, now: new Date(NOW) });
  }
  const key = async (accountId: string, role: 'admin' | 'member' | 'read-only'): Promise<string> =>
    (await createApiKey(k, { accountId, role })).key;
  const keys = {
    memberA: await key('acct-a', 'member'),
    readOnlyA: await key('acct-a', 'read-only'),
    adminA: await key('acct-a', 'admin'),
    memberB: await key('acct-b', 'member'),
    adminB: await key('acct-b', 'admin'),
    orgAdmin: await key('acct-admin', 'admin'),
  };
  const app = await buildServer({
    db,
    config: LOOPBACK_EGRESS,
    ...(store ? { store } : {}),
    ...(background === undefined ? {} : { background }),
  });
  const address = await app.listen({ port: 0, host: '127.0.0.1' });
  return { base: address, app, keys, resources };
}

/** Inserts an account row directly (what `vigil admin create-key` does for a new account). */
export async function insertAccount(
  db: ServiceDb,
  id: string,
  organizationId: string | null = null,
  createdAt = NOW,
): Promise<void> {
  await db.kysely
    .insertInto('accounts')
    .values({
      id,
      name: id,
      organization_id: organizationId,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: createdAt,
    })
    .execute();
}

export async function call(
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = {};
  if (key) headers['authorization'] = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(`${base}${path}`, {
    method,
    headers,
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined };
}

import { expect } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { scanDigest } from '../../src/findings/finding-digest.js';
import { findingJson, findingOfRow } from '../../src/findings/finding-rows.js';
import type { FindingResource } from '../../src/findings/finding-types.js';
import { scanTarget } from '../../src/scan/scan-service.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { insertAccount } from './api-server.js';

/** Helpers of vulndb-upload.test.ts: the accounts, the upload as a client sends it, the findings' oracle. */

/** The member account whose hosts are stored. */
export const ACCOUNT = 'acct-a';

export interface Keys {
  orgAdmin: string;
  soloAdmin: string;
  adminA: string;
  memberA: string;
  readOnlyOrg: string;
}

/**
 * An organization (delegated administrator acct-admin, member acct-a) and an account in none
 * (acct-solo), with the keys the test uploads with: server admins (orgAdmin, soloAdmin) and the rest.
 */
export async function seed(db: ServiceDb): Promise<Keys> {
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('organizations')
    .values({ id: 'org-1', name: 'Org', delegated_admin_account_id: 'acct-admin', created_at: now })
    .execute();
  for (const id of ['acct-admin', ACCOUNT]) await insertAccount(db, id, 'org-1');
  await insertAccount(db, 'acct-solo');
  const key = async (accountId: string, role: 'admin' | 'member' | 'read-only'): Promise<string> =>
    (await createApiKey(db.kysely, { accountId, role })).key;
  return {
    orgAdmin: await key('acct-admin', 'admin'),
    soloAdmin: await key('acct-solo', 'admin'),
    adminA: await key(ACCOUNT, 'admin'),
    memberA: await key(ACCOUNT, 'member'),
    readOnlyOrg: await key('acct-admin', 'read-only'),
  };
}

export interface Answer {
  status: number;
  json: Record<string, unknown>;
  location: string | null;
}

/** POST …/imports with raw bytes (or a stream); `query` is the query string without `?`. */
export async function upload(
  base: string,
  key: string | undefined,
  body: Uint8Array | ReadableStream<Uint8Array> | undefined,
  query = '',
  headers: Record<string, string> = {},
): Promise<Answer> {
  const res = await fetch(`${base}/v1/vulnerability-db/imports${query ? `?${query}` : ''}`, {
    method: 'POST',
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      'content-type': 'application/octet-stream',
      ...headers,
    },
    ...(body !== undefined ? { body, duplex: 'half' } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    location: res.headers.get('location'),
  };
}

export async function get(base: string, key: string, path: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  return { status: res.status, json: (await res.json()) as Record<string, unknown>, location: null };
}

interface ImportAnswer {
  rematch: { status: string; run?: Record<string, number | string> };
}

/** Follows an import's Location until its re-match is COMPLETED (bounded: 30 s), and returns it. */
export async function rematchDone(base: string, key: string, location: string): Promise<ImportAnswer> {
  for (let i = 0; i < 300; i++) {
    const r = await get(base, key, location);
    expect(r.status).toBe(200);
    const view = r.json as unknown as ImportAnswer;
    if (view.rematch.status === 'COMPLETED') return view;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the re-match of ${location} did not complete in 30 s`);
}

/** Everything an import writes to the vulnerability DB, as text: equal before and after a refusal. */
export async function vulnDbSnapshot(vulndb: VulnDb): Promise<string> {
  const k = vulndb.kysely;
  return JSON.stringify([
    await vulndb.latestImportSeq(),
    await vulndb.status(),
    await k.selectFrom('vulnerabilities').select(['id', 'feed', 'modified']).orderBy('id').execute(),
  ]);
}

/** A host's open findings as a scan decides them: identity → scanDigest. */
export async function openDecisions(
  db: ServiceDb,
  accountId: string,
  resourceId: string,
): Promise<Map<string, string>> {
  const rows = await db.kysely
    .selectFrom('findings')
    .select(['id', 'identity_key', 'last_observed_at', findingJson()])
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .where('status', '<>', 'CLOSED')
    .execute();
  return new Map(rows.map((r) => [r.identity_key, scanDigest(findingOfRow(r))]));
}

/** The oracle: a fresh scan of the host's stored inventory against the vulnerability DB as it is now. */
export async function scannedDecisions(
  db: ServiceDb,
  vulndb: VulnDb,
  accountId: string,
  resourceId: string,
  now: Date,
): Promise<Map<string, string>> {
  const inv = await db.kysely
    .selectFrom('inventories')
    .select('inventory_json')
    .where('account_id', '=', accountId)
    .where('resource_id', '=', resourceId)
    .executeTakeFirstOrThrow();
  const resource: FindingResource = { id: resourceId, type: 'HOST', details: {} };
  const r = await scanTarget(
    { kind: 'inventory', inventory: JSON.parse(inv.inventory_json) as Inventory },
    { store: vulndb.store, accountId, now, resource: () => resource },
  );
  return new Map(r.findings.map((f) => [f.id, scanDigest(f)]));
}

/** A body that sends `first`, then waits for `release()` before sending the rest and ending. */
export function gatedBody(first: Uint8Array): {
  body: ReadableStream<Uint8Array>;
  release: (rest: Uint8Array) => void;
} {
  let release: (rest: Uint8Array) => void = () => undefined;
  const rest = new Promise<Uint8Array>((resolve) => (release = resolve));
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(first);
        return;
      }
      controller.enqueue(await rest);
      controller.close();
    },
  });
  return { body, release };
}

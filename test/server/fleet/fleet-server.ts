import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../../src/accounts/api-keys.js';
import { batchesForPaths } from '../../../src/feeds/feed-import.js';
import type { ServiceConfig } from '../../../src/jobs/service-context.js';
import { buildServer } from '../../../src/server/server-app.js';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../../src/vulndb/vuln-db.js';
import { insertAccount } from '../api-server.js';
import { checkin, enroll, type Host, type Reply } from './agent-client.js';

export const START = '2026-03-01T00:00:00.000Z';
export const INTERVAL_SECONDS = 60;

/**
 * A real vulnerability DB imported by vigil's importer from OSV records in testdata: an npm advisory
 * (leftpad-vigil < 1.2.0) and a Debian 12 one (source vigil-testlib < 1.2-1, CVSS 9.8).
 */
export async function openFleetVulnDb(): Promise<{ vulns: VulnDb; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-fleet-vulns-'));
  const vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  const paths = [
    new URL('../testdata/osv', import.meta.url).pathname,
    new URL('testdata/osv', import.meta.url).pathname,
  ];
  await vulns.import(await batchesForPaths(paths, 'osv'));
  return {
    vulns,
    close: async () => {
      await vulns.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The server of one test file: a moved clock, background jobs driven by hand, account acct-f. */
export interface FleetServer {
  base: string;
  app: FastifyInstance;
  db: ServiceDb;
  keys: { admin: string; member: string };
  clock: { now: Date };
  /** Moves the clock by seconds. */
  advance(seconds: number): void;
  createToken(body?: Record<string, unknown>, accountId?: string): Promise<string>;
  enroll(token: string, machineId: string, extra?: Record<string, unknown>): Promise<Host>;
  checkin(
    host: Pick<Host, 'key'>,
    c: { hash: string; inventory?: unknown; inventoryError?: unknown },
  ): Promise<Reply>;
  runJob(name: string): Promise<void>;
  close(): Promise<void>;
}

export async function startFleetServer(
  db: ServiceDb,
  vulns: VulnDb | undefined,
  config: Partial<ServiceConfig> = {},
  /** Give the server the DB's import log too (its re-match job; delta check-ins once it caught up). */
  importLog = false,
): Promise<FleetServer> {
  for (const id of ['acct-f', 'acct-g']) await insertAccount(db, id);
  const admin = (await createApiKey(db.kysely, { accountId: 'acct-f', role: 'admin' })).key;
  const member = (await createApiKey(db.kysely, { accountId: 'acct-f', role: 'member' })).key;
  const adminG = (await createApiKey(db.kysely, { accountId: 'acct-g', role: 'admin' })).key;
  const clock = { now: new Date(START) };
  const app = await buildServer({
    db,
    ...(vulns ? { store: vulns.store } : {}),
    ...(vulns && importLog ? { vulnDb: vulns } : {}),
    now: () => clock.now,
    background: false,
    config: { agentCheckinIntervalSeconds: INTERVAL_SECONDS, ...config },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const fleet: FleetServer = {
    base,
    app,
    db,
    keys: { admin, member },
    clock,
    advance: (seconds) => {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
    async createToken(body = {}, accountId = 'acct-f') {
      const r = await fetch(`${base}/v1/accounts/${accountId}/enrollment-tokens`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${accountId === 'acct-g' ? adminG : admin}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify(body),
      });
      const j = (await r.json()) as { token?: string };
      if (r.status !== 201 || !j.token)
        throw new Error(`token not created: ${r.status} ${JSON.stringify(j)}`);
      return j.token;
    },
    async enroll(token, machineId, extra = {}) {
      const r = await enroll(base, token, machineId, extra);
      if (!r.host) throw new Error(`enrollment failed: ${r.status} ${JSON.stringify(r.json)}`);
      return r.host;
    },
    checkin: (host, c) => checkin(base, host, { ...c, sentAt: clock.now.toISOString() }),
    async runJob(name) {
      const task = app.vigil.tasks.find((t) => t.name === name);
      if (!task) throw new Error(`no job ${name}`);
      await task.runOnce();
    },
    close: () => app.close(),
  };
  return fleet;
}

/** A GET with a key; the JSON body and status. */
export async function get(base: string, key: string, path: string): Promise<Reply> {
  const r = await fetch(`${base}${path}`, { headers: { authorization: `Bearer ${key}` } });
  const text = await r.text();
  return { status: r.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

/** Row counts of every table a refused request must not touch. */
export async function tableCounts(db: ServiceDb): Promise<Record<string, number>> {
  const tables = [
    'resources',
    'resource_tags',
    'host_keys',
    'host_agents',
    'coverage',
    'findings',
    'inventories',
    'scans',
    'outbox',
  ] as const;
  const out: Record<string, number> = {};
  for (const t of tables) {
    const r = await db.kysely
      .selectFrom(t)
      .select((eb) => eb.fn.countAll<string | number>().as('n'))
      .executeTakeFirstOrThrow();
    out[t] = Number(r.n);
  }
  return out;
}

import { writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { VulnDb } from '../../src/vulndb/vuln-db.js';
import { insertAccount, LOOPBACK_EGRESS } from './api-server.js';
import { Scrape } from './metrics-scrape.js';

export const METRICS_TOKEN = 'scrape-token-0123456789abcdef';
export const ACCOUNT = 'acct-metrics';

/** A server with /metrics on, its JSON log lines kept, a moved clock and background jobs run by hand. */
export interface MetricsServer {
  app: FastifyInstance;
  base: string;
  key: string;
  lines: string[];
  clock: { now: Date };
  advance(seconds: number): void;
  scrape(): Promise<Scrape>;
  runJob(name: string): Promise<void>;
}

export async function startMetricsServer(db: ServiceDb, vulns: VulnDb): Promise<MetricsServer> {
  await insertAccount(db, ACCOUNT);
  const key = (await createApiKey(db.kysely, { accountId: ACCOUNT, role: 'admin' })).key;
  const lines: string[] = [];
  const clock = { now: new Date('2026-03-01T00:00:00.000Z') };
  const app = await buildServer({
    db,
    store: vulns.store,
    vulnDb: vulns,
    now: () => clock.now,
    background: false,
    metrics: { token: METRICS_TOKEN },
    logStream: { write: (line) => void lines.push(line) },
    config: {
      ...LOOPBACK_EGRESS,
      agentCheckinIntervalSeconds: 60,
      webhookMaxAttempts: 2,
      webhookBackoffMs: 1000,
      webhookMaxBackoffMs: 1000,
      webhookTimeoutMs: 2000,
    },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    app,
    base,
    key,
    lines,
    clock,
    advance: (seconds) => {
      clock.now = new Date(clock.now.getTime() + seconds * 1000);
    },
    scrape: () => Scrape.of(base, METRICS_TOKEN),
    async runJob(name) {
      const task = app.vigil.tasks.find((t) => t.name === name);
      if (!task) throw new Error(`no job ${name}`);
      await task.runOnce();
    },
  };
}

/** A port on 127.0.0.1 that nothing listens on (bound, then closed): connections to it are refused. */
export async function refusingPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/** Imports one more OSV advisory for leftpad-vigil (a change set with one package key). */
export async function importAdvisory(vulns: VulnDb, dir: string, id: string): Promise<void> {
  const record = {
    schema_version: '1.6.0',
    id,
    modified: '2026-02-01T00:00:00Z',
    published: '2026-02-01T00:00:00Z',
    summary: 'another test advisory for leftpad-vigil',
    affected: [
      {
        package: { ecosystem: 'npm', name: 'leftpad-vigil' },
        ranges: [{ type: 'SEMVER', events: [{ introduced: '0' }, { fixed: '1.1.0' }] }],
      },
    ],
  };
  const path = join(dir, `${id}.json`);
  writeFileSync(path, JSON.stringify(record));
  await vulns.import(await batchesForPaths([path], 'osv'));
}

/** A JSON request with the API key; the status, JSON body and X-Request-Id. */
export async function api(
  base: string,
  key: string | undefined,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; json: Record<string, unknown>; requestId: string | null }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(key ? { authorization: `Bearer ${key}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return {
    status: res.status,
    json: text ? (JSON.parse(text) as Record<string, unknown>) : {},
    requestId: res.headers.get('x-request-id'),
  };
}

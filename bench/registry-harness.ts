import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../src/accounts/api-keys.js';
import { createRegistry } from '../src/resources/registries/registry-store.js';
import { buildServer } from '../src/server/server-app.js';
import { SecretBox } from '../src/store/secret-box.js';
import { openServiceDb, type ServiceDb } from '../src/store/service-db.js';
import { openVulnDb } from '../src/vulndb/vuln-db.js';

/** An in-process vigil server and a Debian docker-registry whose notifications reach it. */
export interface WatchedRegistry {
  db: ServiceDb;
  app: FastifyInstance;
  /** The server's base URL (http://127.0.0.1:PORT). */
  base: string;
  /** The registry's host:port. */
  host: string;
  /** An admin key of the account `bench`. */
  apiKey: string;
  close(): Promise<void>;
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as { port: number }).port;
  await new Promise((r) => s.close(r));
  return port;
}

/**
 * Starts both with the environment `env` set for the server's image reads (VIGIL_LAYER_CACHE is read
 * when an image is opened; VIGIL_CACHE_DIR is a fresh dir), restored on close. Default server config
 * (scan concurrency and per-account slots as `vigil server` has them), a fresh SQLite DB.
 */
export async function startWatchedRegistry(
  vulnDbPath: string,
  env: Record<string, string>,
): Promise<WatchedRegistry> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-bench-registry-'));
  // A fresh layer cache per run: the burst's cache figures start from an empty cache.
  const vars: Record<string, string> = { VIGIL_CACHE_DIR: join(dir, 'cache'), ...env };
  const before = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  const db = await openServiceDb({ url: `sqlite:${join(dir, 'vigil.sqlite')}` });
  const vulns = await openVulnDb(vulnDbPath);
  const secrets = SecretBox.ephemeral();
  const now = new Date().toISOString();
  await db.kysely
    .insertInto('accounts')
    .values({
      id: 'bench',
      name: 'bench',
      organization_id: null,
      host_scanning: 1,
      image_scanning: 1,
      network_scanning: 1,
      created_at: now,
    })
    .execute();
  const { key } = await createApiKey(db.kysely, { accountId: 'bench', role: 'admin' });
  const app = await buildServer({
    db,
    store: vulns.store,
    secrets,
    config: { egressAllow: ['127.0.0.1'], pollIntervalMs: 50 },
  });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  const host = `127.0.0.1:${await freePort()}`;
  const { registry, notificationSecret } = await createRegistry(
    db.kysely,
    secrets,
    'bench',
    { name: 'bench', url: host, discovery: 'NOTIFICATIONS' },
    now,
  );
  writeFileSync(join(dir, 'config.yml'), registryConfig(dir, host, base, registry.id, notificationSecret));
  const child = spawn('/usr/bin/docker-registry', ['serve', join(dir, 'config.yml')], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    const ok = await fetch(`http://${host}/v2/`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    db,
    app,
    base,
    host,
    apiKey: key,
    close: async () => {
      child.kill('SIGTERM');
      await app.close();
      await db.close();
      await vulns.close();
      rmSync(dir, { recursive: true, force: true });
      for (const [k, v] of Object.entries(before)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    },
  };
}

function registryConfig(dir: string, host: string, base: string, id: string, secret: string): string {
  return [
    'version: 0.1',
    'log:',
    '  level: error',
    'storage:',
    '  filesystem:',
    `    rootdirectory: ${join(dir, 'data')}`,
    'http:',
    `  addr: ${host}`,
    'notifications:',
    '  endpoints:',
    '    - name: vigil',
    `      url: ${base}/v1/registry-events/${id}`,
    '      headers:',
    `        Authorization: [Bearer ${secret}]`,
    '      timeout: 5s',
    '      threshold: 3',
    '      backoff: 1s',
    '      ignoredmediatypes:',
    '        - application/octet-stream',
    '',
  ].join('\n');
}

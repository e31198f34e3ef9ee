import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, afterEach, beforeAll } from 'vitest';
import type { ResolvedAddress } from '../../src/egress/egress-resolve.js';
import { buildServer } from '../../src/server/server-app.js';
import { SecretBox } from '../../src/store/secret-box.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import {
  startLoopbackListener,
  type ListenerMode,
  type LoopbackListener,
} from '../fixtures/loopback-listener.js';
import { seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

/**
 * The test resolver every egress server here uses: names that exist only in it (nothing reaches
 * DNS). `evil.test` and `registry.test` resolve to 127.0.0.1, `meta.test` to the cloud metadata address.
 */
export const TEST_NAMES: Readonly<Record<string, string[]>> = {
  'evil.test': ['127.0.0.1'],
  'registry.test': ['127.0.0.1'],
  'meta.test': ['169.254.169.254'],
};

export function testLookup(hostname: string): Promise<ResolvedAddress[]> {
  const found = TEST_NAMES[hostname];
  if (!found) return Promise.reject(Object.assign(new Error(`ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }));
  return Promise.resolve(found.map((address) => ({ address, family: 4 })));
}

/** Timeouts a tarpit reaches within seconds (the defaults are 10 to 30 s). */
export const SHORT_TIMEOUTS = {
  egressConnectTimeoutMs: 1000,
  egressHeadersTimeoutMs: 1000,
  egressIdleTimeoutMs: 1500,
  egressMinBytesPerSecond: 100,
};

export interface EgressHarness {
  db: ServiceDb;
  s: Seeded;
  box: SecretBox;
  /** The default policy: nothing but public addresses. */
  app: FastifyInstance;
  base: string;
  /** Allows `registry.test` by name (so 127.0.0.1 itself stays refused); short egress timeouts. */
  byName: FastifyInstance;
  byNameBase: string;
}

/**
 * The seeded org (keys of every role in acct-a, acct-b, the delegated admin) on one SQLite DB, served
 * by two real servers on 127.0.0.1 whose workers the tests drive: one with the default egress policy,
 * one that allows `registry.test`. An empty vulnerability DB: these tests are about connections.
 */
export function useEgressServers() {
  const h = {} as EgressHarness;
  const backend = sqliteBackend();
  const listeners: LoopbackListener[] = [];
  let tmp = '';
  let vulns: VulnDb;
  beforeAll(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'vigil-egress-'));
    vulns = await openVulnDb(join(tmp, 'vulns.sqlite'));
    await backend.setup();
    h.db = (await backend.fresh()).db;
    h.s = await seedAndListen(h.db, 0);
    await h.s.app.close();
    h.box = SecretBox.ephemeral();
    const common = {
      db: h.db,
      store: vulns.store,
      background: false,
      secrets: h.box,
      egressLookup: testLookup,
    };
    h.app = await buildServer(common);
    h.base = await h.app.listen({ port: 0, host: '127.0.0.1' });
    h.byName = await buildServer({
      ...common,
      config: { egressAllow: ['registry.test'], ...SHORT_TIMEOUTS },
    });
    h.byNameBase = await h.byName.listen({ port: 0, host: '127.0.0.1' });
  });
  afterEach(async () => {
    for (const l of listeners.splice(0)) await l.close();
  });
  afterAll(async () => {
    await h.app.close();
    await h.byName.close();
    await h.db.close();
    await vulns.close();
    await backend.teardown();
    rmSync(tmp, { recursive: true, force: true });
  });
  const listen = async (mode: ListenerMode = 'ok'): Promise<LoopbackListener> => {
    const l = await startLoopbackListener(mode);
    listeners.push(l);
    return l;
  };
  /** A port nothing listens on (bound, then closed). */
  const closedPort = async (): Promise<number> => {
    const l = await startLoopbackListener('ok');
    await l.close();
    return l.port;
  };
  const task = (app: FastifyInstance, name: string): Promise<void> =>
    app.vigil.tasks.find((t) => t.name === name)!.runOnce();
  return { h, listen, closedPort, task };
}

/** Every way to write this machine's loopback address as a host (with the port). */
export function loopbackSpellings(port: number): string[] {
  return [
    `127.0.0.1:${port}`,
    `localhost:${port}`,
    `[::1]:${port}`,
    `2130706433:${port}`, // decimal
    `0x7f.1:${port}`, // hex, short
    `0x7f000001:${port}`,
    `017700000001:${port}`, // octal
    `0177.0.0.1:${port}`,
    `127.1:${port}`, // short
    `0:${port}`, // 0.0.0.0
    `[::ffff:127.0.0.1]:${port}`, // IPv4-mapped
    `[::ffff:7f00:1]:${port}`,
    `evil.test:${port}`, // a name that resolves to 127.0.0.1
  ];
}

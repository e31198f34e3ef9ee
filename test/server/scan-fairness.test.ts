import { createServer as createHttpServer } from 'node:http';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { claimFairScan, nextAccount } from '../../src/scan/scan-claim.js';
import { queueScan } from '../../src/scan/scan-store.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import type { StoreContext } from '../../src/store/store-context.js';
import { openVulnDb, type VulnDb } from '../../src/vulndb/vuln-db.js';
import { call, LOOPBACK_EGRESS, seedAndListen, type Seeded } from './api-server.js';
import { sqliteBackend } from './service-db-backends.js';

const backend = sqliteBackend();
const dir = mkdtempSync(join(tmpdir(), 'vigil-scan-fairness-'));
let vulns: VulnDb;

beforeAll(async () => {
  await backend.setup();
  vulns = await openVulnDb(join(dir, 'vulndb.sqlite'));
  const osv = new URL('../matching/testdata/complexity-osv', import.meta.url).pathname;
  await vulns.import(await batchesForPaths([osv], 'osv'));
});
afterAll(async () => {
  await vulns.close();
  await backend.teardown();
  rmSync(dir, { recursive: true, force: true });
});

describe('the claim takes turns between accounts', () => {
  it('fewest running first, then round-robin after the account served last; none past its cap', () => {
    const q = (accountId: string, running: number) => ({ accountId, running });
    expect(nextAccount([q('b', 0), q('a', 0)], { maxPerAccount: 2 })).toBe('a');
    expect(nextAccount([q('a', 0), q('b', 0), q('c', 0)], { maxPerAccount: 2, lastServed: 'a' })).toBe('b');
    expect(nextAccount([q('a', 0), q('b', 0), q('c', 0)], { maxPerAccount: 2, lastServed: 'c' })).toBe('a');
    expect(nextAccount([q('a', 0), q('b', 1)], { maxPerAccount: 2, lastServed: 'z' })).toBe('a');
    expect(nextAccount([q('a', 1), q('b', 1)], { maxPerAccount: 1 })).toBeUndefined();
  });

  it('an account with a long, older queue does not go first every time (real SQLite)', async () => {
    const { db } = await backend.fresh();
    let clock = Date.parse('2026-03-01T00:00:00.000Z');
    const ctx: StoreContext = { db: db.kysely, dialect: db.dialect, now: () => new Date((clock += 1000)) };
    try {
      const request = { reference: 'registry.example/x:y' };
      for (let i = 0; i < 4; i++) await queueScan(ctx, { accountId: 'acct-a', kind: 'image', request });
      await queueScan(ctx, { accountId: 'acct-b', kind: 'image', request });
      await queueScan(ctx, { accountId: 'acct-b', kind: 'image', request });
      const order: string[] = [];
      let lastServed: string | undefined;
      for (;;) {
        const scan = await claimFairScan(ctx, { maxPerAccount: 10, lastServed });
        if (!scan) break;
        order.push(scan.account_id);
        lastServed = scan.account_id;
      }
      expect(order).toEqual(['acct-a', 'acct-b', 'acct-a', 'acct-b', 'acct-a', 'acct-a']);

      // With a cap of one each, account A holds one slot and B gets the other although A's are older.
      await db.kysely.updateTable('scans').set({ status: 'QUEUED', started_at: null }).execute();
      const a = await claimFairScan(ctx, { maxPerAccount: 1 });
      const b = await claimFairScan(ctx, { maxPerAccount: 1, lastServed: a?.account_id });
      expect([a?.account_id, b?.account_id]).toEqual(['acct-a', 'acct-b']);
      expect(await claimFairScan(ctx, { maxPerAccount: 1, lastServed: 'acct-b' })).toBeUndefined();
    } finally {
      await db.close();
    }
  });
});

/** A "registry" that accepts connections and never says a word: every read from it waits forever. */
async function tarpit(): Promise<{ port: number; sockets: Socket[]; server: Server }> {
  const sockets: Socket[] = [];
  const server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, sockets, server };
}

/** A registry that answers 404 to everything, at once (plain HTTP). */
async function emptyRegistry(): Promise<{ port: number; close(): Promise<void> }> {
  const server = createHttpServer((_req, res) => res.writeHead(404).end());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, rounds = 600): Promise<T> {
  for (let i = 0; i < rounds; i++) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('a tarpit registry holds one scan slot, for the scan budget at most', () => {
  let db: ServiceDb;
  let s: Seeded;
  let app: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    db = (await backend.fresh()).db;
    s = await seedAndListen(db, 0);
    await s.app.close();
    app = await buildServer({
      db,
      store: vulns.store,
      config: { ...LOOPBACK_EGRESS, pollIntervalMs: 50, scanConcurrency: 2, scanTimeoutMs: 3000 },
    });
    base = await app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  const scanOf = async (key: string, account: string, id: string) =>
    (await call(base, key, 'GET', `/v1/accounts/${account}/scans/${id}`)).json as {
      status: string;
      error: { code: string } | null;
    };

  it("another account's scan runs while the tarpit holds one; the tarpit's scan FAILS with SCAN_TIMEOUT and lets go", async () => {
    const pit = await tarpit();
    const empty = await emptyRegistry();
    try {
      const queue = async (key: string, account: string, reference: string): Promise<string> => {
        const r = await call(base, key, 'POST', `/v1/accounts/${account}/image-scans`, { reference });
        expect(r.status).toBe(202);
        return (r.json as { scanId: string }).scanId;
      };
      const held = await queue(s.keys.memberA, 'acct-a', `127.0.0.1:${pit.port}/team/app:v1`);
      // Account A's second scan waits: one slot is A's share while others may come.
      const second = await queue(s.keys.memberA, 'acct-a', `127.0.0.1:${pit.port}/team/app:v2`);
      await until('the tarpit to hold a connection', () =>
        Promise.resolve(pit.sockets.length > 0 || undefined),
      );
      const other = await queue(s.keys.memberB, 'acct-b', `127.0.0.1:${empty.port}/team/app:v1`);

      const otherDone = await until("account B's scan to finish", async () => {
        const v = await scanOf(s.keys.memberB, 'acct-b', other);
        return v.status === 'QUEUED' || v.status === 'RUNNING' ? undefined : v;
      });
      // B finished (an empty registry: FAILED, IMAGE_NOT_FOUND or the like) while A's scan was still held.
      expect(otherDone.status).toBe('FAILED');
      expect(otherDone.error?.code).not.toBe('SCAN_TIMEOUT');
      expect((await scanOf(s.keys.memberA, 'acct-a', held)).status).toBe('RUNNING');
      expect((await scanOf(s.keys.memberA, 'acct-a', second)).status).toBe('QUEUED');

      const heldDone = await until("the tarpit's scan to end", async () => {
        const v = await scanOf(s.keys.memberA, 'acct-a', held);
        return v.status === 'RUNNING' ? undefined : v;
      });
      expect(heldDone).toMatchObject({ status: 'FAILED', error: { code: 'SCAN_TIMEOUT' } });
      // Its slot is free again: A's next scan runs (and meets the tarpit in turn); nothing was written.
      await until("A's next scan to start", async () => {
        const v = await scanOf(s.keys.memberA, 'acct-a', second);
        return v.status === 'QUEUED' ? undefined : v;
      });
      const resources = db.kysely.selectFrom('resources').select('id').where('account_id', '=', 'acct-a');
      expect((await resources.execute()).map((r) => r.id)).toEqual(['host-a1']);
    } finally {
      for (const sock of pit.sockets) sock.destroy();
      pit.server.close();
      await empty.close();
    }
  });
});

import { randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { ServiceDb } from '../../../src/store/service-db.js';
import { sqliteBackend } from '../service-db-backends.js';
import { debianInventory, inventoryHash, rawPost, type Host, type Reply } from './agent-client.js';
import { openFleetVulnDb, startFleetServer, tableCounts, type FleetServer } from './fleet-server.js';

const MiB = 1024 * 1024;
const backend = sqliteBackend();
let db: ServiceDb;
let vulns: Awaited<ReturnType<typeof openFleetVulnDb>>;
let f: FleetServer;
let victim: Host;
let bystander: Host;

beforeAll(async () => {
  await backend.setup();
  db = (await backend.fresh()).db;
  vulns = await openFleetVulnDb();
  f = await startFleetServer(db, vulns.vulns);
  const token = await f.createToken({});
  victim = await f.enroll(token, '11111111111111111111111111111111');
  bystander = await f.enroll(token, '22222222222222222222222222222222');
  const inv = debianInventory({ testlib: '1.0-1', leftpad: '1.0.0' });
  expect((await f.checkin(victim, { hash: inventoryHash(inv), inventory: inv })).status).toBe(200);
});
afterAll(async () => {
  await f.close();
  await db.close();
  await vulns.close();
  await backend.teardown();
});

/** The check-in envelope around `inventoryJson`, built as text (a 50 MB object graph is not needed). */
function envelope(inventoryJson: string): Buffer {
  const head = JSON.stringify({
    agentVersion: '0.1.0',
    sentAt: f.clock.now.toISOString(),
    inventoryHash: 'c'.repeat(64),
  });
  return Buffer.from(`${head.slice(0, -1)},"inventory":${inventoryJson}}`);
}

/** A syntactically fine inventory of more than `bytes` (npm packages, as a big lockfile gives). */
function bigInventoryJson(bytes: number): string {
  const parts: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const p = `{"id":"p${i}","name":"package-number-${i}","version":"1.${i}.0","ecosystem":"npm","purl":"pkg:npm/package-number-${i}@1.${i}.0","filePath":"/app/package-lock.json","foundBy":"npm-package-lock","scope":"installed"}`;
    parts.push(p);
    size += p.length + 1;
  }
  return `{"schemaVersion":1,"source":{"type":"host","target":"/"},"packages":[${parts.join(',')}],"unknowns":[],"catalogers":{},"createdAt":"2026-03-01T00:00:00.000Z"}`;
}

/** 1 GiB of zeros as a ~1 MB gzip stream: the same member over and over (gunzip reads them all). */
function gzipBomb(): Buffer {
  const member = gzipSync(Buffer.alloc(MiB));
  return Buffer.concat(Array.from({ length: 1024 }, () => member));
}

const headers = (gzip: boolean): Record<string, string> => ({
  'content-type': 'application/json',
  authorization: `Bearer ${victim.key}`,
  ...(gzip ? { 'content-encoding': 'gzip' } : {}),
});

interface Case {
  name: string;
  /** The bytes on the wire (already compressed when `gzip`). */
  body: () => Buffer;
  gzip: boolean;
  extraHeaders?: Record<string, string>;
  want: { status: number; code: string };
}

const CASES: Case[] = [
  {
    name: '50 MB inventory, uncompressed',
    body: () => envelope(bigInventoryJson(50 * MiB)),
    gzip: false,
    want: { status: 413, code: 'BODY_TOO_LARGE' },
  },
  {
    name: '50 MB inventory, gzip (small on the wire, refused at the decompressed cap)',
    body: () => gzipSync(envelope(bigInventoryJson(50 * MiB)), { level: 1 }),
    gzip: true,
    want: { status: 413, code: 'BODY_TOO_LARGE' },
  },
  {
    name: 'gzip bomb (1 GiB of zeros in 1 MB)',
    body: gzipBomb,
    gzip: true,
    want: { status: 413, code: 'BODY_TOO_LARGE' },
  },
  {
    name: 'random bytes declared gzip',
    body: () => randomBytes(4096),
    gzip: true,
    want: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'garbage that is not JSON',
    body: () => gzipSync('{"agentVersion": "0.1.0", "sentAt": '),
    gzip: true,
    want: { status: 400, code: 'MALFORMED_JSON' },
  },
  {
    name: 'JSON of another shape',
    body: () => Buffer.from('[1,2,3]'),
    gzip: false,
    want: { status: 400, code: 'VALIDATION' },
  },
  {
    name: 'an inventory that is not one',
    body: () => gzipSync(envelope('{"schemaVersion":1,"packages":[{"name":"x"}]}')),
    gzip: true,
    want: { status: 400, code: 'INVENTORY_INVALID' },
  },
  {
    name: 'an agent clock two days ahead',
    body: () =>
      gzipSync(
        JSON.stringify({
          agentVersion: '0.1.0',
          sentAt: new Date(f.clock.now.getTime() + 2 * 86_400_000).toISOString(),
          inventoryHash: 'c'.repeat(64),
          inventory: debianInventory({ leftpad: '1.1.0' }),
        }),
      ),
    gzip: true,
    want: { status: 400, code: 'CLOCK_SKEW' },
  },
  {
    name: 'a content coding the server does not take',
    body: () => Buffer.from('{}'),
    gzip: false,
    extraHeaders: { 'content-encoding': 'br' },
    want: { status: 415, code: 'UNSUPPORTED_CONTENT_ENCODING' },
  },
];

async function agentRow(resourceId: string): Promise<unknown> {
  return db.kysely
    .selectFrom('host_agents')
    .selectAll()
    .where('resource_id', '=', resourceId)
    .executeTakeFirst();
}

it('refuses every bad check-in with a stable 4xx, writes nothing, and keeps serving other hosts meanwhile', async () => {
  for (const c of CASES) {
    const body = c.body();
    const before = { counts: await tableCounts(db), victim: await agentRow(victim.resourceId) };
    const rssBefore = process.memoryUsage().rss;
    // The bad request and a bystander's heartbeats at the same time: the server answers both.
    const [bad, ...beats] = await Promise.all([
      rawPost(f.base, '/v1/agent/checkin', body, { ...headers(c.gzip), ...c.extraHeaders }),
      ...Array.from({ length: 5 }, () => f.checkin(bystander, { hash: 'd'.repeat(64) })),
    ]);
    const rssGrowthMiB = (process.memoryUsage().rss - rssBefore) / MiB;
    expect({ case: c.name, status: bad.status, code: bad.json['code'] }).toEqual({ case: c.name, ...c.want });
    expect(beats.map((b: Reply) => b.status)).toEqual([200, 200, 200, 200, 200]);
    const after = { counts: await tableCounts(db), victim: await agentRow(victim.resourceId) };
    expect({ case: c.name, ...after }).toEqual({ case: c.name, ...before });
    if (c.name.startsWith('gzip bomb')) expect(rssGrowthMiB).toBeLessThan(512);
  }
});

it('a skewed but sane agent clock works: the server stamps everything with its own', async () => {
  const sentAt = new Date(f.clock.now.getTime() - 5 * 3600_000).toISOString();
  const r = await rawPost(
    f.base,
    '/v1/agent/checkin',
    gzipSync(JSON.stringify({ agentVersion: '0.1.1', sentAt, inventoryHash: 'e'.repeat(64) })),
    headers(true),
  );
  expect(r).toMatchObject({ status: 200, json: { serverTime: f.clock.now.toISOString() } });
  expect(await agentRow(victim.resourceId)).toMatchObject({
    last_checkin_at: f.clock.now.toISOString(),
    agent_version: '0.1.1',
  });
});

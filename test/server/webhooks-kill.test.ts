import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, buildCli, REPO, runCli } from '../cli/built-cli.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { call } from './api-server.js';
import { rng } from './random-findings.js';
import { startReceiver, type Arrival, type Receiver } from './webhooks-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-webhooks-kill-'));
const dbFile = join(dir, 'vigil.sqlite');
const database = `sqlite:${dbFile}`;
const TIMEOUT_MS = 300;
let vulnDb = '';

beforeAll(async () => {
  await buildCli();
  vulnDb = await matchingDbPath();
}, 600_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Real npm packages at versions with real advisories in the matching DB (85 findings between them). */
const PACKAGES: ReadonlyArray<readonly [string, string]> = [
  ['lodash', '4.17.4'],
  ['minimist', '0.0.8'],
  ['node-fetch', '2.6.0'],
  ['axios', '0.18.0'],
  ['handlebars', '4.0.0'],
  ['underscore', '1.12.0'],
  ['moment', '2.18.0'],
  ['tar', '4.4.0'],
  ['qs', '6.0.0'],
  ['ws', '5.0.0'],
  ['json5', '1.0.1'],
  ['semver', '5.7.1'],
  ['y18n', '4.0.0'],
  ['ini', '1.3.5'],
  ['express', '4.16.0'],
  ['jquery', '1.12.0'],
  ['marked', '0.3.5'],
  ['ejs', '2.5.0'],
  ['debug', '2.6.0'],
  ['shelljs', '0.8.4'],
  ['minimatch', '3.0.4'],
  ['follow-redirects', '1.14.0'],
  ['jsonwebtoken', '8.5.1'],
  ['xml2js', '0.4.23'],
  ['async', '2.6.3'],
  ['path-parse', '1.0.6'],
  ['hosted-git-info', '2.8.8'],
];
const HOSTS = Array.from({ length: 8 }, (_, i) => `web-${i + 1}`);

function inventory(host: string, names: ReadonlySet<string>): unknown {
  return {
    schemaVersion: 1,
    source: { type: 'host', target: host },
    packages: PACKAGES.filter(([n]) => names.has(n)).map(([name, version], i) => ({
      id: `p${i}`,
      name,
      version,
      ecosystem: 'npm',
      purl: `pkg:npm/${name}@${version}`,
      filePath: '/srv/app/package-lock.json',
      foundBy: 'npm-package-lock',
      scope: 'installed',
    })),
    unknowns: [],
    catalogers: {},
    createdAt: '2026-03-01T00:00:00.000Z',
  };
}

interface Server {
  child: ChildProcess;
  base: string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** The real server process, with a fast dispatcher so a kill lands among many deliveries. */
async function startServer(): Promise<Server> {
  const child = spawn(
    process.execPath,
    [
      BIN,
      'server',
      '--database',
      database,
      '--db',
      vulnDb,
      '--port',
      '0',
      // The receiver listens on 127.0.0.1, which the server refuses unless the operator allows it.
      '--egress-allow',
      '127.0.0.1',
      '--poll-interval-ms',
      '20',
      '--webhook-backoff-ms',
      '20',
      '--webhook-max-backoff-ms',
      '200',
      '--webhook-timeout-ms',
      String(TIMEOUT_MS),
      '--webhook-max-attempts',
      '1000',
    ],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let stderr = '';
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      const m = /vigil server listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    child.once('error', reject);
    void exited.then(({ code }) => reject(new Error(`server exited ${code}:\n${stderr}`)));
  });
  return { child, base, exited };
}

async function kill9(s: Server): Promise<void> {
  s.child.kill('SIGKILL');
  expect((await s.exited).signal).toBe('SIGKILL');
}

async function until(what: string, cond: () => boolean, limitMs = 300_000): Promise<void> {
  const end = Date.now() + limitMs;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface OutboxRow {
  seq: number;
  type: string;
  subject: string;
}
function readDb<T>(q: (db: Database.Database) => T): T {
  const db = new Database(dbFile, { readonly: true });
  try {
    return q(db);
  } finally {
    db.close();
  }
}
const outbox = (): OutboxRow[] =>
  readDb((db) => db.prepare('SELECT seq, type, subject FROM outbox ORDER BY seq').all() as OutboxRow[]);

/** Arrivals the server saw answered 2xx in time: those it may mark DELIVERED. */
const accepted = (r: Receiver): Arrival[] =>
  r.arrivals.filter((a) => typeof a.answer === 'number' && a.answer < 300 && a.delayMs < TIMEOUT_MS);
const acceptedIds = (r: Receiver): Set<string> => new Set(accepted(r).map((a) => a.event.id));

async function submitRound(base: string, key: string, sets: Map<string, Set<string>>): Promise<void> {
  for (const host of HOSTS) {
    const res = await call(
      base,
      key,
      'POST',
      `/v1/accounts/acct-1/resources/${host}/inventory`,
      inventory(host, sets.get(host)!),
    );
    expect(res.status).toBe(200);
  }
}

it('kill -9 in the middle of deliveries: after restarts every event arrives, signed, first arrivals in outbox order', async () => {
  const key = (
    await runCli(['admin', 'create-key', '--account', 'acct-1', '--role', 'admin', '--database', database])
  ).stdout.trim();
  expect(key).toMatch(/^vk_/);
  // The receiver fails (500) or answers too late (timeout) at random, so retries are everywhere.
  const chance = rng(20260302);
  const receiver = await startReceiver(() => {
    const p = chance();
    if (p < 0.15) return { status: 500 };
    if (p < 0.22) return { status: 200, delayMs: 2 * TIMEOUT_MS };
    return { status: 200, delayMs: Math.floor(p * 4) };
  });
  let server = await startServer();
  try {
    const created = await call(server.base, key, 'POST', '/v1/accounts/acct-1/webhooks', {
      url: receiver.url,
    });
    expect(created.status).toBe(201);
    receiver.secret = (created.json as { secret: string }).secret;

    // Round 1: every host reports a random half of the vulnerable packages (created events).
    const pick = rng(7);
    const sets = new Map(HOSTS.map((h) => [h, new Set(PACKAGES.filter(() => pick() < 0.6).map(([n]) => n))]));
    await submitRound(server.base, key, sets);
    await until('60 deliveries', () => accepted(receiver).length >= 60);
    await kill9(server);
    const afterKill1 = outbox().length - acceptedIds(receiver).size;
    expect(afterKill1).toBeGreaterThan(0); // the kill did land with events still to deliver

    server = await startServer();
    // Round 2 removes packages (closed events); round 3 brings some back (reopened: updated events).
    const removed = new Map<string, string[]>();
    for (const h of HOSTS) {
      const gone = [...sets.get(h)!].filter(() => pick() < 0.4);
      removed.set(h, gone);
      for (const n of gone) sets.get(h)!.delete(n);
    }
    await submitRound(server.base, key, sets);
    for (const h of HOSTS) for (const n of removed.get(h)!) if (pick() < 0.5) sets.get(h)!.add(n);
    await submitRound(server.base, key, sets);
    const before2 = accepted(receiver).length;
    await until('60 more deliveries', () => accepted(receiver).length >= before2 + 60);
    await kill9(server);
    const afterKill2 = outbox().length - acceptedIds(receiver).size;
    expect(afterKill2).toBeGreaterThan(0);

    server = await startServer();
    const events = outbox();
    const want = events.map((e) => `evt-${e.seq}`);
    await until('every outbox event delivered', () => want.every((id) => acceptedIds(receiver).has(id)));
    await until(
      'the delivery log settled',
      () =>
        readDb(
          (db) =>
            db.prepare("SELECT count(*) AS n FROM webhook_deliveries WHERE status <> 'DELIVERED'").get() as {
              n: number;
            },
        ).n === 0,
    );
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // At least once, nothing unknown, every request signed with the subscription's secret.
    expect(events.length).toBeGreaterThan(300);
    const types = new Set(events.map((e) => e.type));
    for (const t of ['vigil.finding.created', 'vigil.finding.closed', 'vigil.finding.updated'])
      expect(types).toContain(t);
    expect(receiver.arrivals.filter((a) => !a.signatureOk)).toEqual([]);
    expect(receiver.opensslDisagreements()).toEqual([]);
    const known = new Set(want);
    expect(receiver.arrivals.filter((a) => !known.has(a.event.id))).toEqual([]);

    // First arrivals are in outbox order, overall and so per finding (subject).
    const firstSeqs: number[] = [];
    const seen = new Set<string>();
    for (const a of receiver.arrivals) {
      if (seen.has(a.event.id)) continue;
      seen.add(a.event.id);
      firstSeqs.push(Number(a.event.id.slice(4)));
    }
    expect(firstSeqs).toEqual(events.map((e) => e.seq));
    const bySubject = new Map<string, number[]>();
    for (const seq of firstSeqs) {
      const subject = events.find((e) => e.seq === seq)!.subject;
      bySubject.set(subject, [...(bySubject.get(subject) ?? []), seq]);
    }
    for (const [subject, seqs] of bySubject) {
      expect({ subject, seqs }).toEqual({ subject, seqs: [...seqs].sort((a, b) => a - b) });
    }

    // No finding lost: the last event a receiver accepted about each finding says its stored status.
    const findings = readDb(
      (db) =>
        db.prepare("SELECT id, status FROM findings WHERE account_id = 'acct-1'").all() as Array<{
          id: string;
          status: string;
        }>,
    );
    expect(findings.length).toBeGreaterThan(50);
    expect(findings.some((f) => f.status === 'CLOSED') && findings.some((f) => f.status === 'ACTIVE')).toBe(
      true,
    );
    const latest = new Map<string, { seq: number; status: string }>();
    for (const a of accepted(receiver)) {
      const seq = Number(a.event.id.slice(4));
      const data = a.event.data as { status?: string };
      if (!a.event.type.startsWith('vigil.finding.') || !data.status) continue;
      if ((latest.get(a.event.subject)?.seq ?? 0) < seq)
        latest.set(a.event.subject, { seq, status: data.status });
    }
    expect(Object.fromEntries(findings.map((f) => [f.id, latest.get(f.id)?.status]))).toEqual(
      Object.fromEntries(findings.map((f) => [f.id, f.status])),
    );

    const resent = accepted(receiver).length - acceptedIds(receiver).size;
    console.log(
      `webhooks kill -9: ${events.length} events, ${receiver.arrivals.length} requests, ` +
        `${resent} events accepted more than once, ${afterKill1} and ${afterKill2} undelivered at the two kills`,
    );
  } finally {
    if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill('SIGKILL');
    await receiver.close();
  }
}, 600_000);

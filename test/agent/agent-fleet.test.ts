import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { runCli } from '../cli/built-cli.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { expectStatus, listAllFindings, pollUntil } from '../server/e2e/api-helpers.js';
import { createFirstKey, startServerProcess, type ServerProcess } from '../server/e2e/server-process.js';
import { rootAgentArgs, startAgent, type AgentEvent, type AgentProcess } from './fixtures/agent-process.js';
import { dpkgPurge, dpkgReinstall, hostRoots, type HostRoot } from './fixtures/host-roots.js';

/**
 * Issue 12 end to end with real parts only: the real `vigil server` process (SQLite service DB, the
 * real vulnerability DB from ../shared/data) at a 1 s check-in interval, and three real `vigil agent`
 * processes on their own copies of debootstrapped roots. Findings are held to `vigil scan fs` on the
 * same root; dpkg changes the roots; the server is killed with SIGKILL and restarted on the same port.
 */
const ACCOUNT = 'acct-agents';
const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-fleet-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
let vulnDb = '';
let server: ServerProcess | undefined;
let port = '';
let admin = '';
let hosts: HostRoot[] = [];
const agents: AgentProcess[] = [];
const resources: string[] = [];

const last = (a: AgentProcess): number => a.events().length;
const checkin = (kind: 'full' | 'heartbeat') => (e: AgentEvent) =>
  e.event === 'checkin' && e['kind'] === kind;
/** A finding as both sides can name it: the vulnerability and the exact package versions it is about. */
const keyOf = (f: Finding): string =>
  `${f.packageVulnerabilityDetails?.vulnerabilityId}|${(
    f.packageVulnerabilityDetails?.vulnerablePackages ?? []
  )
    .map((p) => `${p.name}@${p.version}`)
    .sort()
    .join(',')}`;
const byResource = (id: string) => ({ resourceId: [{ comparison: 'EQUALS' as const, value: id }] });
const active = (id: string) => ({
  ...byResource(id),
  findingStatus: [{ comparison: 'EQUALS' as const, value: 'ACTIVE' }],
});

async function startServer(extra: string[] = []): Promise<void> {
  server = await startServerProcess([
    '--database',
    database,
    '--db',
    vulnDb,
    '--checkin-interval',
    '1s',
    ...extra,
  ]);
  port = new URL(server.base).port;
}

async function scanFs(root: string): Promise<string[]> {
  const r = await runCli(['scan', 'fs', root, '--format', 'json', '--db', vulnDb]);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.map(keyOf).sort();
}

async function activeKeys(resourceId: string): Promise<string[]> {
  return (await listAllFindings(server?.base ?? '', admin, active(resourceId))).map(keyOf).sort();
}

beforeAll(async () => {
  [vulnDb, hosts] = await Promise.all([matchingDbPath(), hostRoots()]);
  admin = await createFirstKey(database, ACCOUNT);
  const made = await runCli([
    'admin',
    'create-enrollment-token',
    '--account',
    ACCOUNT,
    '--tag',
    'env=e2e',
    '--database',
    database,
  ]);
  expect(made.code, made.stderr).toBe(0);
  const token = made.stdout.trim();
  await startServer();
  for (const h of hosts) {
    const tokenFile = join(h.dir, '..', 'token');
    writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
    agents.push(
      await startAgent({
        args: rootAgentArgs({
          server: server?.base ?? '',
          root: h.dir,
          stateDir: join(h.dir, '..', 'state'),
          tokenFile,
          timeout: '10s',
        }),
      }),
    );
  }
}, 900_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  await server?.stop();
  for (const h of hosts) await h.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('vigil agent with the real vigil server', () => {
  it('every host enrolls, reports, and shows as scanned in the coverage', async () => {
    for (const a of agents) {
      const e = await a.waitFor((x) => x.event === 'enrolled', { timeoutMs: 120_000 });
      resources.push(String(e['resourceId']));
      await a.waitFor(checkin('full'), { timeoutMs: 180_000 });
    }
    const coverage = await pollUntil(
      'coverage',
      () =>
        expectStatus<{
          coveredResources: Array<{ resourceId: string; scanStatus: { statusCode: string; reason: string } }>;
        }>(200, server?.base ?? '', admin, 'GET', '/v1/coverage'),
      (c) =>
        c.coveredResources.length === 3 &&
        c.coveredResources.every((r) => r.scanStatus.reason === 'SUCCESSFUL'),
    );
    expect(coverage.coveredResources.map((r) => r.resourceId).sort()).toEqual([...resources].sort());
  });

  it('findings per host equal `vigil scan fs` on the same root', async () => {
    for (const [i, h] of hosts.entries()) {
      const expected = await scanFs(h.dir);
      expect(expected.length, h.name).toBeGreaterThan(0);
      expect(await activeKeys(resources[i] ?? ''), h.name).toEqual(expected);
    }
  });

  it('dpkg --purge closes exactly its findings at the next check-in; reinstalling reopens the same ids', async () => {
    const [bookworm] = hosts as [HostRoot];
    const agent = agents[0] as AgentProcess;
    const before = await listAllFindings(server?.base ?? '', admin, active(resources[0] ?? ''));
    // gpgv: the only binary of its source in a minbase root, so its findings name it alone.
    const mine = before.filter((f) =>
      f.packageVulnerabilityDetails?.vulnerablePackages.every((p) => p.name === 'gpgv'),
    );
    expect(mine.length).toBeGreaterThan(0);
    await dpkgPurge(bookworm.dir, 'gpgv', ['--force-depends']);
    await agent.waitFor(checkin('full'), { from: last(agent) });
    const after = await pollUntil(
      'closed',
      () => listAllFindings(server?.base ?? '', admin, active(resources[0] ?? '')),
      (fs) => fs.length === before.length - mine.length,
    );
    expect(after.map((f) => f.id).sort()).toEqual(
      before
        .filter((f) => !mine.includes(f))
        .map((f) => f.id)
        .sort(),
    );
    const all = await listAllFindings(server?.base ?? '', admin, byResource(resources[0] ?? ''));
    for (const f of mine) expect(all.find((x) => x.id === f.id)?.status).toBe('CLOSED');
    await dpkgReinstall(bookworm.dir, 'gpgv');
    await agent.waitFor(checkin('full'), { from: last(agent) });
    const reopened = await pollUntil(
      'reopened',
      () => listAllFindings(server?.base ?? '', admin, active(resources[0] ?? '')),
      (fs) => fs.length === before.length,
    );
    expect(reopened.map((f) => f.id).sort()).toEqual(before.map((f) => f.id).sort());
  });

  it('kill -9 of the server during check-ins, then a restart: every agent recovers, nothing lost or doubled', async () => {
    const bullseye = hosts[1] as HostRoot;
    const marks = agents.map(last);
    process.kill(Number(server?.pid), 'SIGKILL');
    await server?.stop();
    for (const [i, a] of agents.entries())
      await a.waitFor((e) => e.event === 'checkin.unreachable', { from: marks[i] ?? 0 });
    // A change while the server is down: its inventory waits in the spool.
    await dpkgPurge(bullseye.dir, 'gpgv', ['--force-depends']);
    await agents[1]?.waitFor((e) => e.event === 'inventory.built', { from: marks[1] ?? 0 });
    expect(readdirSync(join(bullseye.dir, '..', 'state', 'spool'))).toHaveLength(1);
    await startServer(['--port', port]);
    for (const a of agents) await a.waitFor(checkin('heartbeat'), { from: last(a), timeoutMs: 60_000 });
    for (const a of agents) expect(a.alive()).toBe(true);
    expect(readdirSync(join(bullseye.dir, '..', 'state', 'spool'))).toEqual([]);
    const coverage = await expectStatus<{ coveredResources: unknown[] }>(
      200,
      server?.base ?? '',
      admin,
      'GET',
      '/v1/coverage',
    );
    expect(coverage.coveredResources).toHaveLength(3);
    for (const [i, h] of hosts.entries()) {
      const listed = await listAllFindings(server?.base ?? '', admin, active(resources[i] ?? ''));
      expect(new Set(listed.map((f) => f.id)).size).toBe(listed.length);
      expect(listed.map(keyOf).sort(), h.name).toEqual(await scanFs(h.dir));
    }
  });
});

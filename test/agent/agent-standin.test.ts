import { readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/core/inventory.js';
import { runCli } from '../cli/built-cli.js';
import { startAgent, type AgentEvent, type AgentProcess } from './fixtures/agent-process.js';
import { ContractServer, type Fault } from './fixtures/contract-server.js';
import {
  dpkgInstalled,
  dpkgPurge,
  dpkgReinstall,
  hostRoots,
  readText,
  type HostRoot,
} from './fixtures/host-roots.js';

/**
 * Three real `vigil agent` processes (the built CLI), each on its own copy of a debootstrapped rootfs
 * (bookworm; bullseye; bookworm with Debian's Python packages and an npm application), checking in
 * every second with a stand-in server written to the agent contract (fixtures/contract-server.ts).
 * The steps run in order on the same agents and server. The same flows against the real `vigil server`
 * are in agent-fleet.test.ts.
 */
const server = new ContractServer();
let hosts: HostRoot[] = [];
const agents: AgentProcess[] = [];
const stateDirs: string[] = [];
let tokenFile = '';
const resourceOf: string[] = [];

const pkgIds = (inv: Record<string, unknown>): string[] =>
  (inv['packages'] as Array<{ purl: string }>).map((p) => p.purl).sort();
const last = (a: AgentProcess): number => a.events().length;
const after = (a: AgentProcess, e: AgentEvent): number => a.events().indexOf(e) + 1;
const isCheckin = (kind: 'full' | 'heartbeat') => (e: AgentEvent) =>
  e.event === 'checkin' && e['kind'] === kind;

beforeAll(async () => {
  await server.start();
  hosts = await hostRoots();
  const token = server.createToken('acct-standin', { tags: { env: 'test' } });
  tokenFile = join(hosts[2]?.dir ?? '', '..', 'enroll-token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  for (const [i, h] of hosts.entries()) {
    const stateDir = join(h.dir, '..', 'state');
    stateDirs.push(stateDir);
    // Two agents get the token from the environment, one from a file (re-read on every enrollment).
    const tokenArgs = i === 2 ? ['--enroll-token-file', tokenFile] : [];
    agents.push(
      await startAgent({
        args: [
          'agent',
          '--server',
          server.base,
          '--root',
          h.dir,
          '--state-dir',
          stateDir,
          // These agents stand in for hosts by their roots; this machine's sockets are none of theirs.
          '--no-network-facts',
          '--interval',
          '1s',
          '--max-backoff',
          '4s',
          '--timeout',
          '2s',
          ...tokenArgs,
        ],
        env: i === 2 ? {} : { VIGIL_ENROLL_TOKEN: token },
      }),
    );
  }
}, 900_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  await server.stop();
  for (const h of hosts) await h.remove();
});

describe('vigil agent against a stand-in of the contract', () => {
  it('enrolls each host once, with the machine id and hostname of its root', async () => {
    for (const a of agents) await a.waitFor(isCheckin('full'), { timeoutMs: 180_000 });
    expect(server.enrollments).toHaveLength(3);
    for (const [i, h] of hosts.entries()) {
      const e = server.enrollments.find((x) => x.hostname === h.hostname);
      expect(e, h.name).toBeDefined();
      // bullseye's id is only behind dbus's absolute symlink: it resolved inside the root.
      const expected = h.machineId ?? readText(join(stateDirs[i] ?? '', 'machine-id'));
      expect(e?.machineId).toBe(expected);
      expect(e?.resourceId).toBe(`host:${expected}`);
      expect((e?.os as { id?: string } | undefined)?.id).toBe('debian');
      resourceOf.push(e?.resourceId ?? '');
    }
  });

  it("delivers the inventory `vigil sbom` builds of the same root, and dpkg's own package list", async () => {
    for (const [i, h] of hosts.entries()) {
      const stored = server.stored.get(resourceOf[i] ?? '');
      expect(stored, h.name).toBeDefined();
      const inv = stored?.inventory as unknown as Inventory;
      const cli = await runCli(['sbom', h.dir, '--format', 'json']);
      expect(cli.code, cli.stderr).toBe(0);
      expect(pkgIds(inv as unknown as Record<string, unknown>)).toEqual(
        pkgIds(JSON.parse(cli.stdout) as Record<string, unknown>),
      );
      const debs = inv.packages.filter((p) => p.ecosystem === 'deb').map((p) => `${p.name}@${p.version}`);
      expect([...new Set(debs)].sort()).toEqual(await dpkgInstalled(h.dir));
    }
    const apps = server.stored.get(resourceOf[2] ?? '')?.inventory as unknown as Inventory;
    expect(
      apps.packages.some((p) => p.ecosystem === 'npm' && p.name === 'express' && p.version === '4.18.2'),
    ).toBe(true);
    expect(apps.packages.some((p) => p.ecosystem === 'pypi' && p.name === 'pyyaml')).toBe(true);
  });

  it('keeps its secrets in a 0700 state dir, files 0600, and the spool empty once delivered', () => {
    for (const dir of stateDirs) {
      expect(statSync(dir).mode & 0o777).toBe(0o700);
      for (const f of ['host-key', 'enrollment.json', 'inventory-meta.json'])
        expect(statSync(join(dir, f)).mode & 0o777).toBe(0o600);
      expect(readdirSync(join(dir, 'spool'))).toEqual([]);
    }
    // The token is kept for re-enrollment (0600), wherever it came from.
    for (const dir of stateDirs) expect(statSync(join(dir, 'enroll-token')).mode & 0o777).toBe(0o600);
    expect(statSync(join(stateDirs[2] ?? '', 'machine-id')).mode & 0o777).toBe(0o600);
  });

  it('then sends heartbeats with the same hash, gzip-compressed, and no second full inventory', async () => {
    for (const a of agents) {
      const from = last(a);
      for (let n = 0; n < 3; n++)
        await a.waitFor(isCheckin('heartbeat'), { from: last(a) > from ? last(a) : from });
    }
    for (const [i] of hosts.entries()) {
      const mine = server.checkinsOf(resourceOf[i] ?? '');
      expect(mine.filter((c) => c.kind === 'full')).toHaveLength(1);
      expect(mine.filter((c) => c.kind === 'heartbeat').length).toBeGreaterThanOrEqual(3);
      expect(new Set(mine.map((c) => c.hash)).size).toBe(1);
      expect(mine.every((c) => c.gzip)).toBe(true);
    }
  });

  it('dpkg --purge sends the inventory without the package at the next check-in; reinstalling sends it back', async () => {
    const [bookworm] = hosts as [HostRoot];
    const agent = agents[0] as AgentProcess;
    const before = server.checkinsOf(resourceOf[0] ?? '').length;
    await dpkgPurge(bookworm.dir, 'e2fsprogs');
    await agent.waitFor(isCheckin('full'), { from: last(agent) });
    let stored = server.stored.get(resourceOf[0] ?? '')?.inventory as unknown as Inventory;
    expect(stored.packages.some((p) => p.name === 'e2fsprogs')).toBe(false);
    expect(stored.packages.some((p) => p.name === 'libext2fs2')).toBe(true);
    await dpkgReinstall(bookworm.dir, 'e2fsprogs');
    await agent.waitFor(isCheckin('full'), { from: last(agent) });
    stored = server.stored.get(resourceOf[0] ?? '')?.inventory as unknown as Inventory;
    expect(stored.packages.some((p) => p.name === 'e2fsprogs')).toBe(true);
    // dpkg rewrites its status file several times during a purge, so a check-in may catch a state
    // between (config-files): at least the two changes, and never a full inventory that did not change.
    const since = server.checkinsOf(resourceOf[0] ?? '').slice(before - 1);
    const fulls = since.filter((c, i) => i > 0 && c.kind === 'full');
    expect(fulls.length).toBeGreaterThanOrEqual(2);
    since.forEach((c, i) => {
      if (i > 0 && c.kind === 'full') expect(c.hash).not.toBe(since[i - 1]?.hash);
    });
  });

  it('spools while the server is away and delivers every inventory once, in order, when it is back', async () => {
    const bullseye = hosts[1] as HostRoot;
    const agent = agents[1] as AgentProcess;
    const seen = server.checkinsOf(resourceOf[1] ?? '').length;
    await server.stop();
    await agent.waitFor((e) => e.event === 'checkin.unreachable', { from: last(agent) });
    await dpkgPurge(bullseye.dir, 'e2fsprogs');
    await agent.waitFor((e) => e.event === 'inventory.built', { from: last(agent) });
    await dpkgReinstall(bullseye.dir, 'e2fsprogs');
    const second = await agent.waitFor((e) => e.event === 'inventory.built', { from: last(agent) });
    const spool = readdirSync(join(stateDirs[1] ?? '', 'spool'));
    expect(spool).toHaveLength(2);
    expect(agent.events().some((e) => e.event === 'backoff')).toBe(true);
    const back = last(agent);
    await server.start();
    await agent.waitFor(isCheckin('heartbeat'), { from: back, timeoutMs: 60_000 });
    const fulls = server
      .checkinsOf(resourceOf[1] ?? '')
      .slice(seen)
      .filter((c) => c.kind === 'full');
    expect(fulls.map((c) => c.hash)).toEqual(spool.map((f) => f.split('-')[1]?.replace('.json.gz', '')));
    expect(fulls.at(-1)?.hash).toBe(second['hash']);
    expect(readdirSync(join(stateDirs[1] ?? '', 'spool'))).toEqual([]);
  });

  it('re-enrolls with its kept token when its key is revoked: same resource, new key', async () => {
    const agent = agents[0] as AgentProcess;
    const enrolled = server.enrollments.length;
    server.revokeKeysOf(resourceOf[0] ?? '');
    const invalid = await agent.waitFor((e) => e.event === 'host-key.invalid', { from: last(agent) });
    const enrolledAgain = await agent.waitFor((e) => e.event === 'enrolled', { from: after(agent, invalid) });
    await agent.waitFor(isCheckin('heartbeat'), { from: after(agent, enrolledAgain) });
    expect(server.enrollments.slice(enrolled).map((e) => e.resourceId)).toEqual([resourceOf[0]]);
  });

  it('with its token revoked too, keeps trying slowly without crashing; a new token file brings it back', async () => {
    const agent = agents[2] as AgentProcess;
    server.revokeToken(readText(tokenFile));
    server.revokeKeysOf(resourceOf[2] ?? '');
    const from = last(agent);
    await agent.waitFor((e) => e.event === 'enroll.refused' && e['code'] === 'ENROLL_TOKEN_INVALID', {
      from,
    });
    const waits: number[] = [];
    let at = from;
    for (let n = 0; n < 3; n++) {
      const b = await agent.waitFor((e) => e.event === 'backoff', { from: at });
      at = agent.events().indexOf(b) + 1;
      waits.push(b['waitMs'] as number);
    }
    // Never a spin: each wait at least half a second, and an attempt only after each wait.
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(500);
    expect(agent.alive()).toBe(true);
    writeFileSync(tokenFile, `${server.createToken('acct-standin')}\n`);
    await agent.waitFor((e) => e.event === 'enrolled', { from, timeoutMs: 30_000 });
    await agent.waitFor(isCheckin('heartbeat'), { from: last(agent) });
    expect(server.enrollments.at(-1)?.resourceId).toBe(resourceOf[2]);
  });

  it('survives garbage, wrong types, 500s, a huge answer, a slow server and reset connections', async () => {
    const faults: Fault[] = ['garbage', 'wrong-types', 'status500', 'huge', 'slow', 'reset'];
    for (const fault of faults) {
      const from = agents.map(last);
      server.fault = fault;
      for (const [i, a] of agents.entries()) {
        // Two check-ins after the fault began: the agent has taken the bad answer and gone on.
        await a.waitFor((e) => ['checkin', 'checkin.unreachable'].includes(e.event), { from: from[i] ?? 0 });
        const next = last(a);
        await a.waitFor((e) => ['checkin', 'checkin.unreachable'].includes(e.event), {
          from: next,
          timeoutMs: 30_000,
        });
      }
      server.fault = 'none';
      for (const a of agents)
        await a.waitFor((e) => isCheckin('heartbeat')(e), { from: last(a), timeoutMs: 30_000 });
    }
    for (const a of agents) {
      expect(a.alive()).toBe(true);
      expect(a.strayLines()).toEqual([]);
    }
    const reasons = agents.flatMap((a) =>
      a
        .events()
        .filter((e) => e.event === 'checkin.unreachable')
        .map((e) => String(e['reason'])),
    );
    expect(reasons).toEqual(expect.arrayContaining(['HTTP 500']));
    expect(agents[0]?.events().some((e) => e.event === 'checkin' && e['answer'] === 'unreadable')).toBe(true);
  });

  it('ends with exit code 0 on SIGTERM and on SIGINT', async () => {
    expect(await agents[0]?.stop('SIGTERM')).toBe(0);
    expect(await agents[1]?.stop('SIGINT')).toBe(0);
    expect(agents[0]?.events().at(-1)?.event).toBe('agent.stop');
  });
});

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../src/checks/model/check-result.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { runCli } from '../cli/built-cli.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { call } from '../server/api-server.js';
import { openFleetVulnDb, startFleetServer, type FleetServer } from '../server/fleet/fleet-server.js';
import { pollUntil } from '../server/e2e/api-helpers.js';
import {
  enrolledAndReported,
  rootAgentArgs,
  startAgent,
  type AgentProcess,
} from './fixtures/agent-process.js';
import { rootfsCopy, type RootfsCopy } from './fixtures/rootfs-overlay.js';

/**
 * A CIS scan end to end with real parts: the real server (in this process, its clock held and moved
 * by the test, SQLite file), two real `vigil agent` processes with `--root` on overlay copies of
 * debootstrapped bookworm and bullseye roots, and an agentless host. A daily schedule in Tokyo time is
 * fired by moving the clock; the bookworm agent is asked at its next check-in, collects its root's
 * facts and uploads them, and the scan's per-check results equal `vigil assess fs` on the same root.
 */
const CONFIGS = '/v1/accounts/acct-f/cis-scan-configurations';
const SCANS = '/v1/accounts/acct-f/cis-scans';
const dir = mkdtempSync(join(tmpdir(), 'vigil-cis-e2e-'));
let db: ServiceDb;
let f: FleetServer;
let vulns: Awaited<ReturnType<typeof openFleetVulnDb>> | undefined;
let roots: RootfsCopy[] = [];
const agents: AgentProcess[] = [];
const resources: string[] = [];

const api = (method: string, path: string, body?: unknown) => call(f.base, f.keys.admin, method, path, body);

/** HH:MM in a time zone. */
function wallClock(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).format(at);
}

beforeAll(async () => {
  const [bookworm, bullseye] = await Promise.all([
    debianRootfs({ suite: 'bookworm' }),
    debianRootfs({ suite: 'bullseye' }),
  ]);
  roots = [await rootfsCopy(bookworm, 'cis-bookworm'), await rootfsCopy(bullseye, 'cis-bullseye')];
  // A hardened setting the root's facts must carry (a minbase root has none of its own).
  mkdirSync(join(roots[0]?.dir ?? '', 'etc/sysctl.d'), { recursive: true });
  writeFileSync(join(roots[0]?.dir ?? '', 'etc/sysctl.d/60-cis.conf'), 'kernel.randomize_va_space = 2\n');
  roots.forEach((r, i) => writeFileSync(join(r.dir, 'etc/machine-id'), `${String(i + 1).repeat(32)}\n`));
  db = await openServiceDb({ url: `sqlite:${join(dir, 'vigil.sqlite')}` });
  // Check-ins carry inventories too: the server matches them against a small real vulnerability DB.
  vulns = await openFleetVulnDb();
  f = await startFleetServer(db, vulns.vulns, { agentCheckinIntervalSeconds: 1 });
  // The agents stamp their check-ins with this machine's time: the held clock starts there.
  f.clock.now = new Date();
  const token = await f.createToken({ tags: { role: 'cis' } });
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  for (const [i, r] of roots.entries())
    agents.push(
      await startAgent({
        args: rootAgentArgs({ server: f.base, root: r.dir, stateDir: join(dir, `state-${i}`), tokenFile }),
      }),
    );
  resources.push(...(await enrolledAndReported(agents)));
  expect(
    (
      await api('POST', '/v1/accounts/acct-f/resources', {
        id: 'pushed-1',
        type: 'HOST',
        tags: { role: 'cis' },
      })
    ).status,
  ).toBe(201);
}, 600_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  await f?.close();
  await db?.close();
  await vulns?.close();
  for (const r of roots) await r.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('a CIS scan with real agents', () => {
  let scanId = '';
  it('a daily schedule fires when the moved clock reaches it, and the agent is asked for facts', async () => {
    const start = new Date(f.clock.now.getTime() + 10 * 60_000);
    const made = await api('POST', CONFIGS, {
      scanName: 'cis fleet',
      securityLevel: 'LEVEL_1',
      schedule: {
        daily: { startTime: { timeOfDay: wallClock(start, 'Asia/Tokyo'), timezone: 'Asia/Tokyo' } },
      },
      targets: { accountIds: ['acct-f'], targetResourceTags: { role: ['cis'] } },
    });
    expect(made.status).toBe(201);
    const next = (made.json as { nextRunAt: string; scanConfigurationId: string }).nextRunAt;
    expect(Date.parse(next) - f.clock.now.getTime()).toBeGreaterThan(8 * 60_000);
    expect(Date.parse(next) - f.clock.now.getTime()).toBeLessThanOrEqual(10 * 60_000);
    await f.runJob('cis-scans');
    expect(((await api('GET', SCANS)).json as { scans: unknown[] }).scans).toEqual([]);
    f.clock.now = new Date(Date.parse(next) + 1000);
    const mark = agents[0]?.events().length ?? 0;
    await f.runJob('cis-scans');
    const [scan] = ((await api('GET', SCANS)).json as { scans: { scanId: string; status: string }[] }).scans;
    scanId = scan?.scanId ?? '';
    expect(scan?.status).toBe('IN_PROGRESS');
    await agents[0]?.waitFor((e) => e.event === 'assessment-facts.sent', { from: mark, timeoutMs: 60_000 });
  });

  it('the scan completes with the same per-check results as `vigil assess fs` on the same root', async () => {
    const scan = await pollUntil(
      'scan completed',
      async () =>
        (await api('GET', `${SCANS}/${scanId}`)).json as {
          status: string;
          totalChecks: number;
          failedChecks: number;
        },
      (s) => s.status !== 'IN_PROGRESS',
    );
    const cli = await runCli([
      'assess',
      'fs',
      roots[0]?.dir ?? '',
      '--benchmark',
      'cis-debian12',
      '--level',
      '1',
      '--profile',
      'server',
      '--format',
      'json',
    ]);
    expect(cli.code, cli.stderr).toBe(0);
    const expected = (JSON.parse(cli.stdout) as { results: CheckResult[] }).results;
    const got = (
      (await api('GET', `${SCANS}/${scanId}/resources/${encodeURIComponent(resources[0] ?? '')}/checks`))
        .json as {
        checks: CheckResult[];
      }
    ).checks;
    const view = (r: CheckResult) => ({ checkId: r.checkId, status: r.status, statusReason: r.statusReason });
    expect(got.map(view)).toEqual(expected.map(view));
    expect(scan).toMatchObject({
      status: 'COMPLETED',
      totalChecks: expected.length,
      failedChecks: expected.filter((r) => r.status === 'FAILED').length,
    });
    expect(expected.length).toBeGreaterThan(200);
    const aslr = got.find((r) => /randomize_va_space/.test(r.statusReason));
    expect(aslr).toMatchObject({ status: 'PASSED' });
    expect(aslr?.statusReason).toContain('/etc/sysctl.d/60-cis.conf');
  });

  it('the bullseye host is skipped for its OS, the agentless one for having no agent; coverage says the same', async () => {
    const listed = (await api('GET', `${SCANS}/${scanId}/resources`)).json as {
      resources: { resourceId: string; status: string; statusReason?: string }[];
    };
    const byId = Object.fromEntries(listed.resources.map((r) => [r.resourceId, r]));
    expect(byId[resources[0] ?? '']?.status).toBe('COMPLETED');
    expect(byId[resources[1] ?? '']?.statusReason).toMatch(/^UNSUPPORTED_OS: no CIS benchmark for debian 11/);
    expect(byId['pushed-1']?.statusReason).toMatch(/^AGENT_OFFLINE/);
    const cov = (await api('GET', '/v1/accounts/acct-f/cis-coverage')).json as {
      coveredResources: { resourceId: string; scanStatus: { statusCode: string; reason: string } }[];
    };
    expect(Object.fromEntries(cov.coveredResources.map((c) => [c.resourceId, c.scanStatus]))).toEqual({
      [resources[0] ?? '']: {
        statusCode: 'ACTIVE',
        reason: 'SUCCESSFUL',
        message: expect.any(String) as unknown,
      },
      [resources[1] ?? '']: {
        statusCode: 'INACTIVE',
        reason: 'UNSUPPORTED_OS',
        message: 'no CIS benchmark for debian 11',
      },
      'pushed-1': { statusCode: 'INACTIVE', reason: 'AGENT_OFFLINE', message: expect.any(String) as unknown },
    });
    for (const a of agents) expect(a.strayLines()).toEqual([]);
  });
});

import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { openServiceDb, type ServiceDb } from '../../src/store/service-db.js';
import { debianRootfs } from '../fixtures/debian-rootfs.js';
import { call, LOOPBACK_EGRESS } from '../server/api-server.js';
import { pollUntil } from '../server/e2e/api-helpers.js';
import { openFleetVulnDb, startFleetServer, type FleetServer } from '../server/fleet/fleet-server.js';
import { startReceiver, type Receiver } from '../server/webhooks-receiver.js';
import {
  enrolledAndReported,
  rootAgentArgs,
  startAgent,
  type AgentProcess,
} from './fixtures/agent-process.js';
import { rootfsCopy, type RootfsCopy } from './fixtures/rootfs-overlay.js';

/**
 * A Classic assessment end to end with real parts: the real server (in this process, its clock held
 * and moved by the test, SQLite file), two real `vigil agent` processes with `--root` on overlay
 * copies of the debootstrapped bookworm root (each with a package the test's vulnerability DB knows),
 * an agentless instance of an uploaded cloud network (its reachability findings come with it), and a
 * webhook receiver on 127.0.0.1. A template with all four rules packages on the hosts tagged
 * `role=classic` runs on its cron schedule when the moved clock reaches it.
 */
const A = '/v1/accounts/acct-f';
const dir = mkdtempSync(join(tmpdir(), 'vigil-classic-e2e-'));
const INSTANCE = 'i-0123456789abcdef0';
let db: ServiceDb;
let f: FleetServer;
let vulns: Awaited<ReturnType<typeof openFleetVulnDb>> | undefined;
let receiver: Receiver;
let roots: RootfsCopy[] = [];
const agents: AgentProcess[] = [];
const hosts: string[] = [];

const api = (method: string, path: string, body?: unknown) => call(f.base, f.keys.admin, method, path, body);

async function findingsOf(type: string): Promise<Finding[]> {
  const filter = JSON.stringify({ findingType: [{ comparison: 'EQUALS', value: type }] });
  const r = await api('GET', `/v1/findings?maxResults=500&filter=${encodeURIComponent(filter)}`);
  return (r.json as { findings: Finding[] }).findings;
}

/** A package the fleet's vulnerability DB has an advisory for (vigil-testlib < 1.2-1, Debian 12). */
const TESTLIB = `
Package: vigil-testlib
Status: install ok installed
Priority: optional
Section: libs
Installed-Size: 8
Maintainer: vigil tests <tests@example.invalid>
Architecture: all
Version: 1.1-1
Description: test library known to the test vulnerability DB
`;

/** The cloud network of test/network's VPC, its instance tagged for the target (it has no agent). */
function taggedVpc(): unknown {
  const path = join(import.meta.dirname, '..', '..', 'src', 'network', 'cloud', 'testdata', 'vpc-web.json');
  const v = JSON.parse(readFileSync(path, 'utf8')) as {
    instances: { Reservations: { Instances: { Tags?: { Key: string; Value: string }[] }[] }[] };
  };
  const inst = v.instances.Reservations[0]?.Instances[0];
  if (inst) inst.Tags = [...(inst.Tags ?? []), { Key: 'role', Value: 'classic' }];
  return v;
}

beforeAll(async () => {
  const bookworm = await debianRootfs({ suite: 'bookworm' });
  roots = [await rootfsCopy(bookworm, 'classic-a'), await rootfsCopy(bookworm, 'classic-b')];
  roots.forEach((r, i) => {
    writeFileSync(join(r.dir, 'etc/machine-id'), `${String(i + 5).repeat(32)}\n`);
    appendFileSync(join(r.dir, 'var/lib/dpkg/status'), TESTLIB);
  });
  db = await openServiceDb({ url: `sqlite:${join(dir, 'vigil.sqlite')}` });
  vulns = await openFleetVulnDb();
  f = await startFleetServer(db, vulns.vulns, { agentCheckinIntervalSeconds: 1, ...LOOPBACK_EGRESS });
  f.clock.now = new Date();
  const token = await f.createToken({ tags: { role: 'classic' } });
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token}\n`, { mode: 0o600 });
  for (const [i, r] of roots.entries())
    agents.push(
      await startAgent({
        args: rootAgentArgs({ server: f.base, root: r.dir, stateDir: join(dir, `state-${i}`), tokenFile }),
      }),
    );
  hosts.push(...(await enrolledAndReported(agents)));
  const net = await api('PUT', `${A}/cloud-network`, taggedVpc());
  expect(net.json).toMatchObject({ instancesWithoutHost: [INSTANCE] });
  receiver = await startReceiver();
  const hook = await api('POST', `${A}/webhooks`, {
    url: receiver.url,
    eventTypes: [
      'vigil.assessment-run.started',
      'vigil.assessment-run.completed',
      'vigil.assessment-run.finding-reported',
    ],
  });
  expect(hook.status).toBe(201);
  receiver.secret = (hook.json as { secret: string }).secret;
}, 600_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  await receiver?.close();
  await f?.close();
  await db?.close();
  await vulns?.close();
  for (const r of roots) await r.remove();
  rmSync(dir, { recursive: true, force: true });
});

describe('a Classic assessment with real agents', () => {
  let runId = '';
  it('a cron schedule fires when the moved clock reaches it, and the agents are asked for facts', async () => {
    await pollUntil(
      'CVE findings on both hosts',
      () => findingsOf('PACKAGE_VULNERABILITY'),
      (l) => hosts.every((h) => l.some((x) => x.resources[0]?.id === h)),
    );
    const target = await api('POST', `${A}/assessment-targets`, {
      name: 'classic hosts',
      resourceTags: { role: ['classic'] },
    });
    const made = await api('POST', `${A}/assessment-templates`, {
      name: 'fleet',
      assessmentTargetId: (target.json as { assessmentTargetId: string }).assessmentTargetId,
      rulesPackages: ['CVE', 'CIS', 'NETWORK_REACHABILITY', 'SECURITY_BEST_PRACTICES'],
      durationInSeconds: 900,
      userAttributes: [{ key: 'change', value: 'CHG-42' }],
      eventSubscriptions: ['ASSESSMENT_RUN_STARTED', 'ASSESSMENT_RUN_COMPLETED', 'FINDING_REPORTED'],
      schedule: { cron: '*/15 * * * *', timezone: 'Asia/Tokyo' },
    });
    expect(made.status).toBe(201);
    const next = Date.parse((made.json as { nextRunAt: string }).nextRunAt);
    expect(next - f.clock.now.getTime()).toBeLessThanOrEqual(15 * 60_000);
    await f.runJob('classic-assessments');
    expect(
      ((await api('GET', `${A}/assessment-runs`)).json as { assessmentRuns: unknown[] }).assessmentRuns,
    ).toEqual([]);
    f.clock.now = new Date(next + 1000);
    // An agent counts as online by the server's clock: each checks in once after the jump.
    const jumped = agents.map((a) => a.events().length);
    for (const [i, a] of agents.entries())
      await a.waitFor((e) => e.event === 'checkin', { from: jumped[i] ?? 0, timeoutMs: 30_000 });
    const marks = agents.map((a) => a.events().length);
    await f.runJob('classic-assessments');
    const [run] = (
      (await api('GET', `${A}/assessment-runs`)).json as {
        assessmentRuns: { assessmentRunId: string; state: string; trigger: string }[];
      }
    ).assessmentRuns;
    expect(run).toMatchObject({ state: 'COLLECTING_DATA', trigger: 'SCHEDULE' });
    runId = run?.assessmentRunId ?? '';
    for (const [i, a] of agents.entries())
      await a.waitFor((e) => e.event === 'assessment-facts.sent', { from: marks[i] ?? 0, timeoutMs: 60_000 });
  });

  it('the run reports CVE, CIS, network and best-practice findings, and excludes the agentless instance', async () => {
    const run = await pollUntil(
      'run evaluated',
      async () => {
        await f.runJob('classic-assessments');
        return (await api('GET', `${A}/assessment-runs/${runId}`)).json as {
          state: string;
          exclusions: { resourceId: string; reason: string }[];
          packages: Record<string, { findingCount: number; findingIds: string[] }>;
          resourceIds: string[];
        };
      },
      (r) => r.state === 'COMPLETED' || r.state === 'FAILED',
    );
    expect(run.state).toBe('COMPLETED');
    expect(new Set(run.resourceIds)).toEqual(new Set([...hosts, INSTANCE]));
    expect(run.exclusions).toEqual([
      { resourceId: INSTANCE, reason: 'NO_AGENT', message: 'no vigil agent reports this host' },
    ]);
    const config = await findingsOf('CONFIGURATION');
    const cve = await findingsOf('PACKAGE_VULNERABILITY');
    const net = await findingsOf('NETWORK_REACHABILITY');
    for (const h of hosts) {
      const own = config.filter((x) => x.resources[0]?.id === h);
      expect(
        own.some((x) => x.configurationDetails?.rulesPackage === 'CIS'),
        h,
      ).toBe(true);
      expect(
        own.some((x) => x.configurationDetails?.rulesPackage === 'SECURITY_BEST_PRACTICES'),
        h,
      ).toBe(true);
    }
    const ids = (l: Finding[]) => l.map((x) => x.id).sort();
    expect([...(run.packages['CVE']?.findingIds ?? [])].sort()).toEqual(ids(cve));
    expect(cve.map((x) => x.packageVulnerabilityDetails?.vulnerabilityId)).toContain('CVE-2099-0002');
    expect(run.packages['NETWORK_REACHABILITY']?.findingCount).toBe(net.length);
    expect(net.length).toBeGreaterThan(0);
    const cisAndSbp = [
      ...(run.packages['CIS']?.findingIds ?? []),
      ...(run.packages['SECURITY_BEST_PRACTICES']?.findingIds ?? []),
    ];
    expect(cisAndSbp.sort()).toEqual(ids(config));
    expect(config.every((x) => x.configurationDetails?.userAttributes[0]?.value === 'CHG-42')).toBe(true);
    const maxAge = config.filter((x) => x.configurationDetails?.checkId === 'sbp-password-max-age');
    expect(maxAge.map((x) => [x.severity, x.remediation.recommendation.text])).toEqual(
      hosts.map(() => ['MEDIUM', 'Set PASS_MAX_DAYS (at most 365) in /etc/login.defs.']),
    );
  });

  it('the webhook receiver on 127.0.0.1 gets the subscribed events, signed', async () => {
    const reported = (await findingsOf('CONFIGURATION')).length;
    await pollUntil(
      'events delivered',
      async () => {
        await f.runJob('webhook-dispatcher');
        return receiver.arrivals.length;
      },
      (n) => n >= reported + 2,
    );
    const types = receiver.arrivals.map((a) => a.event.type);
    const count = (t: string) => types.filter((x) => x === t).length;
    expect({
      started: count('vigil.assessment-run.started'),
      completed: count('vigil.assessment-run.completed'),
      reported: count('vigil.assessment-run.finding-reported'),
    }).toEqual({ started: 1, completed: 1, reported });
    expect(receiver.arrivals.every((a) => a.signatureOk)).toBe(true);
    expect(receiver.opensslDisagreements()).toEqual([]);
    for (const a of agents) expect(a.strayLines()).toEqual([]);
  });
});

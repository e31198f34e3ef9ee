import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import cvssCalculator from 'ae-cvss-calculator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Finding } from '../../src/findings/finding-types.js';
import { BIN, runCli } from '../cli/built-cli.js';
import { startAgent, type AgentProcess } from '../agent/fixtures/agent-process.js';
import { createFirstKey, startServerProcess, type ServerProcess } from '../server/e2e/server-process.js';
import { NetnsLab, requireNetworkTools, run } from './lab/netns-lab.js';

/**
 * Issue 15's score proof through the real parts: a real `vigil server` in a namespace of its own and
 * two real `vigil agent` processes, each inside a host namespace (`ip netns exec`), reaching the
 * server over a veth (10.200.0.0/16). Both hosts hold the same vulnerable zlib (CVE-2022-37434, CVSS
 * AV:N 9.8, from ../shared/data's Debian OSV record). The quiet host listens on nothing: its finding
 * is lowered exactly as ae-cvss-calculator computes with MAV:A. The open host runs an nftables
 * ruleset that admits TCP 22 and a listener on it: its finding keeps 9.8, and a NETWORK_REACHABILITY
 * finding names the path. The test talks to the API from inside the server's namespace, never from
 * the root one.
 */
const ACCOUNT = 'acct-netscore';
const CVE = 'CVE-2022-37434';
const VECTOR = 'CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H';
const HOSTS = {
  quiet: { machineId: '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a01', net: '10.200.71' },
  open: { machineId: '0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a02', net: '10.200.72' },
} as const;
type HostName = keyof typeof HOSTS;

const RULESET = `table inet vigiltest {
  chain input {
    type filter hook input priority 0; policy drop;
    iif "lo" accept
    ct state established,related accept
    tcp dport 22 accept
  }
}
`;

const lab = new NetnsLab('sc');
const dir = mkdtempSync(join(tmpdir(), 'vigil-netscore-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
let srv = '';
let server: ServerProcess | undefined;
let port = '';
let admin = '';
const agents: AgentProcess[] = [];
const ns: Record<HostName, string> = { quiet: '', open: '' };

/** One API call made from inside the server's namespace (node's fetch there), JSON back. */
async function api<T>(path: string): Promise<T> {
  const script = `fetch(process.argv[1], { headers: { authorization: 'Bearer ' + process.env.KEY } })
    .then(async (r) => { if (!r.ok) throw new Error(r.status + ' ' + (await r.text())); process.stdout.write(await r.text()); })
    .catch((e) => { console.error(e.message); process.exit(1); });`;
  const out = await run('ip', [
    'netns',
    'exec',
    srv,
    'env',
    `KEY=${admin}`,
    process.execPath,
    '-e',
    script,
    `http://127.0.0.1:${port}${path}`,
  ]);
  return JSON.parse(out) as T;
}

async function findingsOf(host: HostName): Promise<Finding[]> {
  const filter = {
    resourceId: [{ comparison: 'EQUALS', value: `host:${HOSTS[host].machineId}` }],
    findingStatus: [{ comparison: 'EQUALS', value: 'ACTIVE' }],
  };
  const q = encodeURIComponent(JSON.stringify(filter));
  return (await api<{ findings: Finding[] }>(`/v1/findings?maxResults=100&filter=${q}`)).findings;
}

/** Polls until the host's findings satisfy `done` (the agents check in every second). */
async function settled(host: HostName, done: (fs: Finding[]) => boolean): Promise<Finding[]> {
  const deadline = Date.now() + 60_000;
  let last: Finding[] = [];
  while (Date.now() < deadline) {
    last = await findingsOf(host);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(`${host}: findings did not settle: ${JSON.stringify(last, null, 1).slice(0, 3000)}`);
}

const zlibOf = (fs: Finding[]): Finding | undefined =>
  fs.find((f) => f.packageVulnerabilityDetails?.vulnerabilityId === CVE);

/** A Debian 12 root holding one old zlib1g: what the agent inventories (`--root`). */
function hostRoot(name: HostName): string {
  const root = join(dir, name, 'root');
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'etc/machine-id'), `${HOSTS[name].machineId}\n`);
  writeFileSync(
    join(root, 'etc/os-release'),
    'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\nID=debian\n',
  );
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    [
      'Package: zlib1g',
      'Status: install ok installed',
      'Priority: required',
      'Section: libs',
      'Installed-Size: 164',
      'Maintainer: Mark Brown <broonie@debian.org>',
      'Architecture: amd64',
      'Multi-Arch: same',
      'Source: zlib',
      'Version: 1:1.2.11.dfsg-2+deb11u1',
      'Description: compression library - runtime',
      '',
    ].join('\n'),
  );
  return root;
}

/** What ae-cvss-calculator computes for the vector with the environmental metric MAV:A. */
function adjacentScore(vector: string): number {
  const calc = cvssCalculator as unknown as {
    fromVector(v: string): {
      applyComponentString(c: string, v: string): void;
      calculateScores(): { environmental?: number };
    };
  };
  const v = calc.fromVector(vector);
  v.applyComponentString('MAV', 'A');
  const score = v.calculateScores().environmental;
  if (score === undefined) throw new Error('ae-cvss-calculator gave no environmental score');
  return score;
}

beforeAll(async () => {
  requireNetworkTools(['ip', 'nft', 'socat']);
  const vulnDb = join(dir, 'vulndb.sqlite');
  const imported = await runCli([
    'db',
    'import',
    '--db',
    vulnDb,
    join(import.meta.dirname, 'testdata', 'score-host', 'zlib-cve-2022-37434.osv.jsonl'),
  ]);
  expect(imported.code, imported.stderr).toBe(0);
  admin = await createFirstKey(database, ACCOUNT);
  const token = await runCli([
    'admin',
    'create-enrollment-token',
    '--account',
    ACCOUNT,
    '--database',
    database,
  ]);
  expect(token.code, token.stderr).toBe(0);
  const tokenFile = join(dir, 'token');
  writeFileSync(tokenFile, `${token.stdout.trim()}\n`, { mode: 0o600 });

  srv = await lab.addNamespace('srv');
  for (const [i, name] of (['quiet', 'open'] as const).entries()) {
    const net = HOSTS[name].net;
    ns[name] = await lab.addNamespace(name);
    await lab.link(ns[name], 'eth0', srv, `v${i}`);
    await lab.exec(ns[name], 'ip', ['addr', 'add', `${net}.2/24`, 'dev', 'eth0']);
    await lab.exec(srv, 'ip', ['addr', 'add', `${net}.1/24`, 'dev', `v${i}`]);
    // The internet is behind the server's side: every public address arrives on eth0.
    await lab.exec(ns[name], 'ip', ['route', 'add', 'default', 'via', `${net}.1`]);
  }
  await lab.exec(ns.open, 'nft', ['-f', '-'], RULESET);
  lab.spawn(ns.open, 'socat', ['TCP-LISTEN:22,fork,reuseaddr', 'EXEC:/bin/cat']);

  server = await startServerProcess(
    ['--host', '0.0.0.0', '--database', database, '--db', vulnDb, '--checkin-interval', '1s'],
    ['ip', 'netns', 'exec', srv],
  );
  port = new URL(server.base).port;
  for (const name of ['quiet', 'open'] as const) {
    agents.push(
      await startAgent({
        command: ['ip', 'netns', 'exec', ns[name], process.execPath, BIN],
        args: [
          'agent',
          '--server',
          `http://${HOSTS[name].net}.1:${port}`,
          '--insecure',
          '--root',
          hostRoot(name),
          '--state-dir',
          join(dir, name, 'state'),
          '--enroll-token-file',
          tokenFile,
          '--interval',
          '1s',
          '--max-backoff',
          '2s',
        ],
      }),
    );
  }
}, 240_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await server?.stop();
  await lab.cleanup();
  rmSync(dir, { recursive: true, force: true });
});

describe('the contextual score through a real agent and server', () => {
  it('a host no path reaches: the AV:N finding is lowered exactly as ae-cvss-calculator computes with MAV:A', async () => {
    const expected = adjacentScore(VECTOR);
    expect(expected).toBeLessThan(9.8);
    const fs = await settled('quiet', (f) => zlibOf(f)?.scoreDetails?.adjustments.length === 1);
    const zlib = zlibOf(fs) as Finding;
    expect(zlib.scoreDetails).toMatchObject({
      baseScore: 9.8,
      baseVector: VECTOR,
      adjustments: [{ metric: 'attackVector', reason: 'no open network path from the internet' }],
    });
    expect(zlib.score).toBe(expected);
    expect(zlib.scoreDetails?.adjustedVector).toContain('MAV:A');
    expect(fs.filter((f) => f.type === 'NETWORK_REACHABILITY')).toEqual([]);
  });

  it('a host with TCP 22 open to the internet: not lowered, and the NETWORK_REACHABILITY finding names the path', async () => {
    const fs = await settled(
      'open',
      (f) => zlibOf(f) !== undefined && f.some((x) => x.type === 'NETWORK_REACHABILITY'),
    );
    const zlib = zlibOf(fs) as Finding;
    expect(zlib.score).toBe(9.8);
    expect(zlib.scoreDetails?.adjustments).toEqual([]);
    expect(zlib.scoreDetails?.contextDetail).toMatch(/not adjusted/);
    const network = fs.filter((f) => f.type === 'NETWORK_REACHABILITY');
    expect(network.map((f) => f.title)).toEqual([
      'Port 22 is reachable from the internet through the host firewall - TCP',
    ]);
    const steps = network[0]?.networkReachabilityDetails?.networkPath.steps ?? [];
    expect(steps.map((s) => s.componentType)).toEqual([
      'HOST_INTERFACE',
      'HOST_FIREWALL_RULE',
      'LISTENING_PROCESS',
    ]);
    expect(steps[0]).toMatchObject({ componentId: 'eth0', address: `${HOSTS.open.net}.2` });
    expect(steps[1]?.rule?.text).toBe('tcp dport 22 accept');
    expect(steps[2]?.process?.comm).toBe('socat');
  });

  it('each agent sent its facts whole once, then only their digest on every heartbeat, and logged no stray line', async () => {
    for (const a of agents) {
      const beats = a.events().filter((e) => e.event === 'checkin' && e['kind'] === 'heartbeat').length;
      await a.waitFor((e) => e.event === 'checkin' && e['kind'] === 'heartbeat', { from: a.events().length });
      expect(beats).toBeGreaterThanOrEqual(1);
      expect(a.events().filter((e) => e.event === 'network-facts.sent')).toHaveLength(1);
      expect(a.strayLines()).toEqual([]);
    }
  });
});

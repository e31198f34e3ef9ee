import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/built-cli.js';
import { startAgent, type AgentProcess } from './fixtures/agent-process.js';
import { ContractServer } from './fixtures/contract-server.js';
import { startTinyproxy, type Tinyproxy } from './fixtures/tinyproxy.js';
import { testCa } from './fixtures/test-ca.js';

/**
 * How the agent reaches its server: HTTPS trusting a private CA (--ca-file), through Debian's tinyproxy
 * (--proxy, and HTTP_PROXY from the environment), and the refusals that need no server at all. The
 * root is a small hand-made one (an os-release and a dpkg status), since these tests are about transport.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-agent-transport-'));
const root = join(dir, 'root');
const plain = new ContractServer();
let tls: ContractServer;
let proxy: Tinyproxy;
let caFile = '';
const agents: AgentProcess[] = [];
const full = (e: { event: string; [k: string]: unknown }): boolean =>
  e.event === 'checkin' && e['kind'] === 'full';

function agentArgs(server: string, name: string, ...extra: string[]): string[] {
  return [
    'agent',
    '--server',
    server,
    '--root',
    root,
    '--state-dir',
    join(dir, name),
    '--interval',
    '1s',
    '--max-backoff',
    '2s',
    '--timeout',
    '5s',
    ...extra,
  ];
}

beforeAll(async () => {
  mkdirSync(join(root, 'etc'), { recursive: true });
  mkdirSync(join(root, 'var/lib/dpkg'), { recursive: true });
  writeFileSync(join(root, 'etc/os-release'), 'ID=debian\nVERSION_ID="12"\nVERSION_CODENAME=bookworm\n');
  writeFileSync(
    join(root, 'var/lib/dpkg/status'),
    'Package: zlib1g\nStatus: install ok installed\nArchitecture: amd64\nSource: zlib\nVersion: 1:1.2.13.dfsg-1\n\n',
  );
  const ca = await testCa(dir);
  caFile = ca.caFile;
  tls = new ContractServer({ key: ca.key, cert: ca.cert });
  await Promise.all([plain.start(), tls.start()]);
  proxy = await startTinyproxy(dir);
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop('SIGKILL');
  await Promise.all([plain.stop(), tls.stop(), proxy.stop()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('the agent on the wire', () => {
  it('speaks HTTPS to a private CA with --ca-file, tunnelled through tinyproxy with --proxy', async () => {
    const token = tls.createToken('acct-tls');
    const a = await startAgent({
      args: agentArgs(tls.base, 'tls', '--ca-file', caFile, '--proxy', proxy.url),
      env: { VIGIL_ENROLL_TOKEN: token },
    });
    agents.push(a);
    await a.waitFor(full);
    expect(tls.enrollments).toHaveLength(1);
    // The proxy saw the agent's tunnel to the server (CONNECT host:port), nothing in clear text.
    expect(proxy.log()).toContain(`CONNECT 127.0.0.1:${new URL(tls.base).port}`);
  });

  it('goes through HTTP_PROXY from the environment', async () => {
    const a = await startAgent({
      args: agentArgs(plain.base, 'env-proxy'),
      env: { VIGIL_ENROLL_TOKEN: plain.createToken('acct-proxy'), HTTP_PROXY: proxy.url, NO_PROXY: '' },
    });
    agents.push(a);
    await a.waitFor(full);
    // undici's proxy agent tunnels plain HTTP too (CONNECT), so the log names the server, not the paths.
    const port = new URL(plain.base).port;
    const tunnels = proxy
      .log()
      .split('\n')
      .filter((l) => l.includes(`Request (file descriptor`) && l.includes(`CONNECT 127.0.0.1:${port} `));
    expect(tunnels.length).toBeGreaterThanOrEqual(1);
    expect(plain.enrollments).toHaveLength(1);
  });

  it('without the CA it refuses the server, logs why, and keeps trying', async () => {
    const a = await startAgent({
      args: agentArgs(tls.base, 'no-ca'),
      env: { VIGIL_ENROLL_TOKEN: tls.createToken('acct-tls') },
    });
    agents.push(a);
    const first = await a.waitFor((e) => e.event === 'enroll.unreachable');
    expect(String(first['reason'])).toMatch(/CERT|VERIFY|SELF_SIGNED/);
    await a.waitFor((e) => e.event === 'enroll.unreachable', { from: a.events().indexOf(first) + 1 });
    expect(a.alive()).toBe(true);
    expect(tls.enrollments).toHaveLength(1); // only the agent that trusts the CA got through
  });

  it('refuses plain HTTP to another machine unless --insecure, before any traffic', async () => {
    const r = await runCli(agentArgs('http://10.200.0.1:8080', 'remote'));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/\[USAGE\].*plain HTTP to another machine/);
    const bad = await runCli(agentArgs(plain.base, 'bad-interval').map((x) => (x === '1s' ? 'soon' : x)));
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--interval: expects a duration/);
  });
});

import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { BIN, buildCli, REPO, runCli } from '../cli/built-cli.js';
import { Scrape } from './metrics-scrape.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-metrics-process-'));
const vulnDb = join(dir, 'vulndb.sqlite');
const TOKEN = 'f00dfeed'.repeat(8);

beforeAll(async () => {
  await buildCli();
  const v = await openVulnDb(vulnDb);
  await v.import(await batchesForPaths([new URL('testdata/osv', import.meta.url).pathname], 'osv'));
  await v.close();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function tokenFile(name: string, text: string, mode: number): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
}

it('vigil server refuses a metrics token file that is missing, short or readable by others, before touching the DB', async () => {
  const cases: Array<[string, RegExp]> = [
    [join(dir, 'absent.token'), /cannot be read \(ENOENT\)/],
    [tokenFile('short.token', 'abc\n', 0o600), /at least 16 characters/],
    [tokenFile('open.token', `${TOKEN}\n`, 0o644), /others may access it/],
    [tokenFile('two.token', `${TOKEN} ${TOKEN}\n`, 0o600), /one token on one line/],
  ];
  for (const [file, why] of cases) {
    const database = `sqlite:${join(dir, 'refused.sqlite')}`;
    const r = await runCli(['server', '--database', database, '--db', vulnDb, '--metrics-token-file', file]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^vigil: error \[METRICS_TOKEN_INVALID\]: metrics token file /);
    expect(r.stderr).toMatch(why);
    expect(r.stderr).not.toContain(TOKEN);
    expect(existsSync(join(dir, 'refused.sqlite'))).toBe(false);
  }
}, 120_000);

it('vigil server --metrics-token-file: Prometheus reads /metrics with the token; JSON request lines carry the request id', async () => {
  const file = tokenFile('metrics.token', `${TOKEN}\n`, 0o640);
  const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
  const args = ['server', '--database', database, '--db', vulnDb, '--port', '0', '--log-requests'];
  const child = spawn(process.execPath, [BIN, ...args, '--metrics-token-file', file], {
    cwd: REPO,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString('utf8');
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m?.[1]) resolve(m[1]);
      });
      void exited.then((code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    });
    const health = await fetch(`${base}/health`, { headers: { 'x-request-id': 'probe-42' } });
    expect(health.headers.get('x-request-id')).toBe('probe-42');
    const s = await Scrape.of(base, TOKEN);
    expect(
      s.count('vigil_http_request_duration_seconds', {
        method: 'GET',
        route: '/health',
        status_class: '2xx',
      }),
    ).toBe(1);
    expect(s.value('vigil_queue_depth', { job_type: 'scan:image' })).toBe(0);
    expect((await fetch(`${base}/metrics`)).status).toBe(401);
    const lines = stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.filter((l) => l['reqId'] === 'probe-42').map((l) => l['msg'])).toEqual([
      'incoming request',
      'request completed',
    ]);
    expect(stderr).not.toContain(TOKEN);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 300_000);

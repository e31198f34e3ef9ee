import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { BIN, buildCli, REPO, runCli } from '../cli/built-cli.js';
import { call } from './api-server.js';
import { hostInventory } from './rematch-data.js';

/**
 * The third way issue 12 names: `vigil db import --db THE_SAME_FILE` run beside a running `vigil
 * server`. With no further request, the server's re-match job sees the import in the DB's log and the
 * host's findings change: the withdrawn record's finding closes, the new record's finding opens.
 */
const dir = mkdtempSync(join(tmpdir(), 'vigil-rematch-process-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
const vulnDb = join(dir, 'vulndb.sqlite');

function record(id: string, modified: string, extra: object = {}): string {
  return JSON.stringify({
    schema_version: '1.6.0',
    id,
    modified,
    affected: [
      {
        package: { ecosystem: 'Debian:12', name: 'alpha' },
        ranges: [{ type: 'ECOSYSTEM', events: [{ introduced: '0' }, { fixed: '2.0-1' }] }],
      },
    ],
    ...extra,
  });
}

function osvFile(name: string, lines: string[]): string {
  const p = join(dir, name);
  writeFileSync(p, lines.join('\n') + '\n');
  return p;
}

beforeAll(async () => {
  await buildCli();
  const first = osvFile('before.jsonl', [record('CVE-2099-0001', '2025-01-01T00:00:00Z')]);
  const imported = await runCli(['db', 'import', '--db', vulnDb, first]);
  expect(imported.code, imported.stderr).toBe(0);
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function openIds(base: string, key: string): Promise<string[]> {
  const r = await call(base, key, 'GET', '/v1/findings');
  const findings = (
    r.json as {
      findings: Array<{ status: string; packageVulnerabilityDetails?: { vulnerabilityId: string } }>;
    }
  ).findings;
  return findings
    .filter((f) => f.status !== 'CLOSED')
    .map((f) => f.packageVulnerabilityDetails?.vulnerabilityId ?? '')
    .sort();
}

/** `vigil server` on port 0 with `args`; resolves its base URL, and a stop that expects a clean exit. */
async function startServer(args: string[]): Promise<{ base: string; stop: () => Promise<number | null> }> {
  const child = spawn(
    process.execPath,
    [BIN, 'server', '--port', '0', '--poll-interval-ms', '100', ...args],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    return exited;
  };
  const base = await new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      const m = /listening on (http:\/\/\S+)/.exec(stderr);
      if (m?.[1]) resolve(m[1]);
    });
    void exited.then((code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
  });
  return { base, stop };
}

/** Polls the open findings until they are `want` (bounded: 30 s), and returns the last seen. */
async function waitForOpen(base: string, key: string, want: string[]): Promise<string[]> {
  let ids = await openIds(base, key);
  for (let i = 0; i < 300 && ids.join() !== want.join(); i++) {
    await new Promise((r) => setTimeout(r, 100));
    ids = await openIds(base, key);
  }
  return ids;
}

it('a `vigil db import` beside the server re-matches the stored inventory by itself', async () => {
  const created = await runCli([
    'admin',
    'create-key',
    '--account',
    'acct-1',
    '--role',
    'admin',
    '--database',
    database,
  ]);
  expect(created.code, created.stderr).toBe(0);
  const key = created.stdout.trim();
  const server = await startServer(['--database', database, '--db', vulnDb]);
  const { base } = server;
  try {
    const body = hostInventory(
      { id: 'h1', release: '12', sources: ['alpha'] },
      new Map([['alpha', '1.0-1']]),
    );
    const submitted = await call(base, key, 'POST', '/v1/accounts/acct-1/resources/h1/inventory', body);
    expect(submitted.status, JSON.stringify(submitted.json)).toBeLessThan(300);
    expect(await openIds(base, key)).toEqual(['CVE-2099-0001']);

    const after = osvFile('after.jsonl', [
      record('CVE-2099-0001', '2025-02-01T00:00:00Z', { withdrawn: '2025-02-01T00:00:00Z' }),
      record('CVE-2099-0002', '2025-02-01T00:00:00Z'),
    ]);
    const imported = await runCli(['db', 'import', '--db', vulnDb, after]);
    expect(imported.code, imported.stderr).toBe(0);
    // No request to the server: its re-match job polls the DB's import log.
    expect(await waitForOpen(base, key, ['CVE-2099-0002'])).toEqual(['CVE-2099-0002']);
  } finally {
    expect(await server.stop()).toBe(0);
  }
}, 300_000);

it('`vigil server --update-cron` downloads the feeds on schedule and re-matches what they change', async () => {
  const database2 = `sqlite:${join(dir, 'cron.sqlite')}`;
  const vulnDb2 = join(dir, 'cron-vulndb.sqlite');
  const before = osvFile('cron-before.jsonl', [record('CVE-2099-0001', '2025-01-01T00:00:00Z')]);
  expect((await runCli(['db', 'import', '--db', vulnDb2, before])).code).toBe(0);
  // The feed's publisher: a real HTTP server on 127.0.0.1 serving "before" until it is told otherwise.
  let served = readFileSync(before, 'utf8');
  let requests = 0;
  const publisher = createServer((_req, res) => {
    requests++;
    res.writeHead(200, { 'content-type': 'application/x-ndjson' });
    res.end(served);
  });
  await new Promise<void>((resolve) => publisher.listen(0, '127.0.0.1', resolve));
  const { port } = publisher.address() as AddressInfo;
  const config = join(dir, 'feeds.json');
  writeFileSync(
    config,
    JSON.stringify({ feeds: { osv: { urls: [`http://127.0.0.1:${port}/feed.jsonl`] } } }),
  );
  const created = await runCli([
    'admin',
    'create-key',
    '--account',
    'acct-1',
    '--role',
    'admin',
    '--database',
    database2,
  ]);
  const key = created.stdout.trim();
  const server = await startServer([
    ...['--database', database2, '--db', vulnDb2, '--update-cron', '* * * * * *'],
    ...['--update-source', 'osv', '--update-config', config],
  ]);
  try {
    const body = hostInventory(
      { id: 'h1', release: '12', sources: ['alpha'] },
      new Map([['alpha', '1.0-1']]),
    );
    await call(server.base, key, 'POST', '/v1/accounts/acct-1/resources/h1/inventory', body);
    expect(await openIds(server.base, key)).toEqual(['CVE-2099-0001']);
    served = [
      record('CVE-2099-0001', '2025-02-01T00:00:00Z', { withdrawn: '2025-02-01T00:00:00Z' }),
      record('CVE-2099-0002', '2025-02-01T00:00:00Z'),
    ].join('\n');
    expect(await waitForOpen(server.base, key, ['CVE-2099-0002'])).toEqual(['CVE-2099-0002']);
    expect(requests).toBeGreaterThan(0);
  } finally {
    expect(await server.stop()).toBe(0);
    publisher.close();
  }
}, 300_000);

it('a bad --update-cron pattern is a usage error before anything starts', async () => {
  const r = await runCli([
    'server',
    '--database',
    database,
    '--db',
    vulnDb,
    '--update-cron',
    'every tuesday',
  ]);
  expect(r.code).toBe(2);
  expect(r.stderr).toContain('--update-cron: not a cron pattern: every tuesday');
  expect(r.stderr).not.toContain('    at ');
});

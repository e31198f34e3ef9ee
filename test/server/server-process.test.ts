import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { batchesForPaths } from '../../src/feeds/feed-import.js';
import { openVulnDb } from '../../src/vulndb/vuln-db.js';
import { BIN, buildCli, REPO, runCli } from '../cli/built-cli.js';
import { call } from './api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-server-process-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
const vulnDb = join(dir, 'vulndb.sqlite');

beforeAll(async () => {
  await buildCli();
  // A small real vulnerability DB (one OSV record), so the server does not load the shipped snapshot.
  const v = await openVulnDb(vulnDb);
  await v.import(await batchesForPaths([new URL('testdata/osv', import.meta.url).pathname], 'osv'));
  await v.close();
}, 300_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil server: says how to get the first key, serves it, refuses without it, stops cleanly on SIGTERM', async () => {
  const child = spawn(
    process.execPath,
    [BIN, 'server', '--database', database, '--db', vulnDb, '--port', '0'],
    {
      cwd: REPO,
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  );
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    const base = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (b: Buffer) => {
        stderr += b.toString('utf8');
        const m = /listening on (http:\/\/\S+)/.exec(stderr);
        if (m?.[1]) resolve(m[1]);
      });
      child.once('error', reject);
      void exited.then((code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    });
    expect(stderr).toContain('vigil admin create-key --account ID --role admin');

    const created = await runCli(['admin', 'create-key', '--account', 'acct-1', '--database', database]);
    expect(created.code).toBe(0);
    const key = created.stdout.trim();
    expect(key).toMatch(/^vk_[A-Za-z0-9_-]{40,}$/);

    expect(await call(base, key, 'GET', '/v1/findings')).toEqual({ status: 200, json: { findings: [] } });
    expect(await call(base, undefined, 'GET', '/v1/findings')).toEqual({
      status: 401,
      json: {
        code: 'UNAUTHENTICATED',
        message: 'missing or invalid API key (Authorization: Bearer vk_…)',
        details: {},
      },
    });
    expect((await call(base, undefined, 'GET', '/health')).status).toBe(200);
    expect(stderr).not.toContain(key);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 300_000);

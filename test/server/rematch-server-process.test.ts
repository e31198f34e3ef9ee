import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
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
  const child = spawn(
    process.execPath,
    [BIN, 'server', '--database', database, '--db', vulnDb, '--port', '0', '--poll-interval-ms', '100'],
    { cwd: REPO, stdio: ['ignore', 'ignore', 'pipe'] },
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
      void exited.then((code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
    });
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
    // No request to the server: its re-match job polls the DB's import log. Wait for it (bounded).
    let ids: string[] = [];
    for (let i = 0; i < 300 && ids.join() !== 'CVE-2099-0002'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      ids = await openIds(base, key);
    }
    expect(ids).toEqual(['CVE-2099-0002']);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  }
  expect(await exited).toBe(0);
}, 300_000);

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, expect, it } from 'vitest';
import { main } from '../../src/cli/cli-main.js';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb } from '../../src/server/storage/service-db.js';
import { call } from './api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function run(argv: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const code = await main(['node', 'vigil', ...argv], { stdout, stderr });
  return { code, out, err };
}

it('vigil admin create-key --name names the key; vigil admin revoke-key makes it fail with 401', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const first = await run(['admin', 'create-key', '--account', 'acct-1', '--database', url]);
  const ci = await run(['admin', 'create-key', '--account', 'acct-1', '--name', 'ci', '--database', url]);
  expect([first.code, ci.code]).toEqual([0, 0]);
  const ciId = /\(id ([0-9a-f-]{36})\)/.exec(ci.err)?.[1];
  expect(ciId).toBeDefined();

  const db = await openServiceDb({ url });
  const app = await buildServer({ db });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const admin = first.out.trim();
    const listed = await call(base, admin, 'GET', '/v1/accounts/acct-1/keys');
    const keys = (listed.json as { keys: Array<{ id: string; name: string | null; role: string }> }).keys;
    expect(keys.map((k) => [k.id === ciId, k.name, k.role]).sort()).toEqual([
      [false, null, 'admin'],
      [true, 'ci', 'admin'],
    ]);

    expect((await call(base, ci.out.trim(), 'GET', '/v1/accounts')).status).toBe(200);
    const revoked = await run(['admin', 'revoke-key', '--key-id', ciId ?? '', '--database', url]);
    expect(revoked.code).toBe(0);
    expect((await call(base, ci.out.trim(), 'GET', '/v1/accounts')).status).toBe(401);
    expect((await call(base, admin, 'GET', '/v1/accounts')).status).toBe(200);
    expect((await run(['admin', 'revoke-key', '--key-id', 'no-such-key', '--database', url])).code).toBe(2);
  } finally {
    await app.close();
    await db.close();
  }
});

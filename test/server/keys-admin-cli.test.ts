import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb } from '../../src/store/service-db.js';
import { vigil } from '../matching/fixtures/cli-run.js';
import { call } from './api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-keys-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil admin create-key --name names the key; vigil admin revoke-key makes it fail with 401', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const first = await vigil('admin', 'create-key', '--account', 'acct-1', '--database', url);
  const ci = await vigil('admin', 'create-key', '--account', 'acct-1', '--name', 'ci', '--database', url);
  expect([first.code, ci.code]).toEqual([0, 0]);
  const ciId = /\(id ([0-9a-f-]{36})\)/.exec(ci.stderr)?.[1];
  expect(ciId).toBeDefined();

  const db = await openServiceDb({ url });
  const app = await buildServer({ db });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const admin = first.stdout.trim();
    const listed = await call(base, admin, 'GET', '/v1/accounts/acct-1/keys');
    const keys = (listed.json as { keys: Array<{ id: string; name: string | null; role: string }> }).keys;
    expect(keys.map((k) => [k.id === ciId, k.name, k.role]).sort()).toEqual([
      [false, null, 'admin'],
      [true, 'ci', 'admin'],
    ]);

    expect((await call(base, ci.stdout.trim(), 'GET', '/v1/accounts')).status).toBe(200);
    const revoked = await vigil('admin', 'revoke-key', '--key-id', ciId ?? '', '--database', url);
    expect(revoked.code).toBe(0);
    expect((await call(base, ci.stdout.trim(), 'GET', '/v1/accounts')).status).toBe(401);
    expect((await call(base, admin, 'GET', '/v1/accounts')).status).toBe(200);
    expect((await vigil('admin', 'revoke-key', '--key-id', 'no-such-key', '--database', url)).code).toBe(2);
  } finally {
    await app.close();
    await db.close();
  }
});

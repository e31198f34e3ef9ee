import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb } from '../../src/store/service-db.js';
import { vigil } from '../matching/fixtures/cli-run.js';
import { call } from './api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-audit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil admin create-key and revoke-key are in the audit log, without the key', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const first = await vigil('admin', 'create-key', '--account', 'acct-1', '--database', url);
  const second = await vigil(
    'admin',
    'create-key',
    '--account',
    'acct-1',
    '--role',
    'member',
    '--database',
    url,
  );
  expect([first.code, second.code]).toEqual([0, 0]);
  const admin = first.stdout.trim();
  const member = second.stdout.trim();

  const db = await openServiceDb({ url });
  const memberId = (
    await db.kysely.selectFrom('api_keys').select('id').where('role', '=', 'member').executeTakeFirstOrThrow()
  ).id;
  await db.close();
  expect((await vigil('admin', 'revoke-key', '--key-id', memberId, '--database', url)).code).toBe(0);

  const again = await openServiceDb({ url });
  const app = await buildServer({ db: again, background: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const r = await call(base, admin, 'GET', '/v1/audit-log');
    expect(r.status).toBe(200);
    const entries = (r.json as { entries: Array<Record<string, unknown>> }).entries;
    expect(entries.map((e) => [e['keyId'], e['accountId'], e['action'], e['target'], e['result']])).toEqual([
      [null, 'acct-1', 'CLI vigil admin revoke-key', { keyId: memberId }, 'OK'],
      [null, 'acct-1', 'CLI vigil admin create-key', { keyId: memberId }, 'OK'],
      [null, 'acct-1', 'CLI vigil admin create-key', { keyId: expect.any(String) as string }, 'OK'],
    ]);
    expect(entries[1]?.['details']).toEqual({ role: 'member' });
    for (const k of [admin, member]) expect(JSON.stringify(entries)).not.toContain(k.slice(3));
  } finally {
    await app.close();
    await again.close();
  }
});

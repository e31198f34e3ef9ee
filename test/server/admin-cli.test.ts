import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../src/server/server-app.js';
import { openServiceDb } from '../../src/store/service-db.js';
import { vigil } from '../matching/fixtures/cli-run.js';
import { call } from './api-server.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-admin-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil admin create-key prints a working key once and stores only its hash', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const r = await vigil('admin', 'create-key', '--account', 'acct-1', '--role', 'admin', '--database', url);
  expect(r.code).toBe(0);
  const key = r.stdout.trim();
  expect(key).toMatch(/^vk_[A-Za-z0-9_-]{40,}$/);
  expect(r.stderr).not.toContain(key);

  const db = await openServiceDb({ url });
  const rows = await db.kysely.selectFrom('api_keys').selectAll().execute();
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows)).not.toContain(key.slice(10));
  const app = await buildServer({ db });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  expect((await call(base, key, 'GET', '/v1/accounts/acct-1/resources')).status).toBe(200);
  await app.close();
  await db.close();

  expect(
    (await vigil('admin', 'create-key', '--account', 'acct-1', '--role', 'root', '--database', url)).code,
  ).toBe(2);
});

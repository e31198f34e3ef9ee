import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { buildServer } from '../../../src/server/server-app.js';
import { openServiceDb } from '../../../src/store/service-db.js';
import { vigil } from '../../matching/fixtures/cli-run.js';
import { enroll } from './agent-client.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-enroll-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil admin create-enrollment-token prints a working token once, with its tags, expiry and uses', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const r = await vigil(
    'admin',
    'create-enrollment-token',
    '--account',
    'fleet-1',
    '--tag',
    'env=prod',
    '--tag',
    'team=web=blue',
    '--expires',
    '2h',
    '--max-uses',
    '1',
    '--database',
    url,
  );
  expect(r.code).toBe(0);
  const token = r.stdout.trim();
  expect(token).toMatch(/^ve_[A-Za-z0-9_-]{43}$/);
  expect(r.stderr).not.toContain(token);
  expect(r.stderr).toMatch(/for account fleet-1, expires \S+, 1 uses; it is shown only now/);

  const db = await openServiceDb({ url });
  const rows = await db.kysely.selectFrom('enrollment_tokens').selectAll().execute();
  expect(rows).toHaveLength(1);
  expect(JSON.stringify(rows)).not.toContain(token.slice(10));
  expect(JSON.parse(rows[0]!.tags_json)).toEqual({ env: 'prod', team: 'web=blue' });
  const lifetime = Date.parse(rows[0]!.expires_at!) - Date.parse(rows[0]!.created_at);
  expect(lifetime).toBe(2 * 3600_000);
  const audit = await db.kysely.selectFrom('audit_log').select(['action', 'account_id']).execute();
  expect(audit).toEqual([{ action: 'CLI vigil admin create-enrollment-token', account_id: 'fleet-1' }]);

  const app = await buildServer({ db, background: false });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  try {
    const first = await enroll(base, token, 'cafecafecafecafecafecafecafecafe');
    expect(first).toMatchObject({
      status: 201,
      json: { accountId: 'fleet-1', resourceId: 'host:cafecafecafecafecafecafecafecafe' },
    });
    expect((await enroll(base, token, 'beefbeefbeefbeefbeefbeefbeefbeef')).status).toBe(401);
  } finally {
    await app.close();
    await db.close();
  }

  for (const bad of [
    ['--tag', 'novalue'],
    ['--expires', 'soon'],
    ['--max-uses', '0'],
    ['--expires', '30s'],
  ]) {
    const refused = await vigil(
      'admin',
      'create-enrollment-token',
      '--account',
      'fleet-1',
      ...bad,
      '--database',
      url,
    );
    expect({ bad, code: refused.code, out: refused.stdout }).toEqual({ bad, code: 2, out: '' });
  }
});

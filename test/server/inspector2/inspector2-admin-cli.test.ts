import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { openServiceDb } from '../../../src/store/service-db.js';
import { vigil } from '../../matching/fixtures/cli-run.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-aws-key-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('vigil admin create-key --format aws prints the two AWS lines once; a bad --format is a usage error that creates nothing', async () => {
  const url = `sqlite:${join(dir, 'svc.sqlite')}`;
  const r = await vigil(
    'admin',
    'create-key',
    '--format',
    'aws',
    '--account',
    'acct-1',
    '--role',
    'read-only',
    '--database',
    url,
  );
  expect(r.code).toBe(0);
  expect(r.stdout).toMatch(/^AWS_ACCESS_KEY_ID=VGIL[A-Z2-7]{16}\nAWS_SECRET_ACCESS_KEY=[A-Za-z0-9+/]{40}\n$/);
  expect(r.stderr).toMatch(
    /created read-only key \(id [0-9a-f-]{36}\) for account acct-1 with AWS credentials VGIL/,
  );
  const bad = await vigil('admin', 'create-key', '--format', 'xml', '--account', 'acct-1', '--database', url);
  expect([bad.code, bad.stdout]).toEqual([2, '']);
  expect(bad.stderr).toContain('--format must be key or aws');
  const db = await openServiceDb({ url });
  try {
    const keys = await db.kysely.selectFrom('api_keys').select(['role']).execute();
    const aws = await db.kysely.selectFrom('aws_access_keys').select(['secret_sealed']).execute();
    expect([keys, aws.length]).toEqual([[{ role: 'read-only' }], 1]);
    expect(aws[0]?.secret_sealed).not.toContain(r.stdout.split('AWS_SECRET_ACCESS_KEY=')[1]?.trim());
  } finally {
    await db.close();
  }
});

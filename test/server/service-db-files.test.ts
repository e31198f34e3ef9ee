import { chmodSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { openServiceDb } from '../../src/store/service-db.js';
import { insertAccount } from './api-server.js';

let dir: string;
const mode = (path: string): string => (statSync(path).mode & 0o777).toString(8);

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'vigil-dbfiles-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('creates the service DB, its -wal and -shm 0600 and its directory 0700, whatever the umask', async () => {
  const old = process.umask(0o022);
  try {
    const path = join(dir, 'data', 'vigil.sqlite');
    const db = await openServiceDb({ url: `sqlite:${path}` });
    await insertAccount(db, 'a'); // a write, so the WAL holds something
    expect([mode(path), mode(`${path}-wal`), mode(`${path}-shm`), mode(join(dir, 'data'))]).toEqual([
      '600',
      '600',
      '600',
      '700',
    ]);
    await db.close();
  } finally {
    process.umask(old);
  }
});

it('narrows the files of an existing world-readable DB to 0600 when it opens', async () => {
  const path = join(dir, 'old.sqlite');
  const db = await openServiceDb({ url: `sqlite:${path}` });
  await insertAccount(db, 'a');
  await db.close();
  chmodSync(path, 0o644);
  writeFileSync(`${path}-wal`, '');
  chmodSync(`${path}-wal`, 0o644);
  const again = await openServiceDb({ url: `sqlite:${path}` });
  expect([mode(path), mode(`${path}-wal`)]).toEqual(['600', '600']);
  await again.close();
});

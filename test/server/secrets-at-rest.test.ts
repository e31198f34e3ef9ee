import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/built-cli.js';
import { matchingDbPath } from '../matching/fixtures/matching-db.js';
import { call } from './api-server.js';
import { pollUntil } from './e2e/api-helpers.js';
import { createFirstKey, startServerProcess, type ServerProcess } from './e2e/server-process.js';
import { startReceiver, type Receiver } from './webhooks-receiver.js';

const dir = mkdtempSync(join(tmpdir(), 'vigil-secrets-'));
const database = `sqlite:${join(dir, 'vigil.sqlite')}`;
const keyFile = join(dir, 'vigil-secret.key');
let vulnDb = '';
let admin = '';
let receiver: Receiver;
let server: ServerProcess | undefined;

beforeAll(async () => {
  vulnDb = await matchingDbPath();
  admin = await createFirstKey(database, 'acct-1');
  receiver = await startReceiver();
}, 600_000);
afterAll(async () => {
  await server?.stop();
  await receiver.close();
  rmSync(dir, { recursive: true, force: true });
});

const serverArgs = (...extra: string[]): string[] => ['--database', database, '--db', vulnDb, ...extra];
const FAST = ['--poll-interval-ms', '50', '--webhook-backoff-ms', '50'];

/** Any event of the account: a suppression rule; resolves once the receiver has one more signed request. */
async function eventArrives(base: string, name: string): Promise<void> {
  const before = receiver.arrivals.length;
  const r = await call(base, admin, 'POST', '/v1/accounts/acct-1/suppression-rules', {
    name,
    reason: 'an event to sign',
    filter: { severity: [{ comparison: 'EQUALS', value: 'LOW' }] },
  });
  expect(r.status).toBe(201);
  await pollUntil(
    `${name} delivered`,
    () => Promise.resolve(receiver.arrivals.slice(before)),
    (a) => a.some((x) => x.signatureOk),
  );
}

/** `vigil server` expected to refuse to start: its exit code and what it said. */
async function refusedStart(...extra: string[]): Promise<{ code: number | null; stderr: string }> {
  const r = await runCli(['server', '--port', '0', ...serverArgs(...extra)]);
  return { code: r.code, stderr: r.stderr };
}

describe('secrets at rest under the server key (issue 10)', () => {
  it('makes a 0600 key beside the DB on first start; the DB files never hold the webhook secret', async () => {
    server = await startServerProcess(serverArgs('--egress-allow', '127.0.0.1', ...FAST));
    expect(server.stderr()).toContain(`made secret key ${keyFile}`);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const created = await call(server.base, admin, 'POST', '/v1/accounts/acct-1/webhooks', {
      url: receiver.url,
    });
    expect(created.status).toBe(201);
    receiver.secret = (created.json as { secret: string }).secret;
    await eventArrives(server.base, 'first');
    expect(await server.stop()).toBe(0);
    server = undefined;

    const files = readdirSync(dir).filter((f) => f.startsWith('vigil.sqlite'));
    const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
    expect(files).toContain('vigil.sqlite');
    // The right file: the subscription is there (its URL, its envelope), its secret is not.
    expect(bytes.includes(receiver.url)).toBe(true);
    expect(bytes.includes('v1.')).toBe(true);
    expect(bytes.includes(receiver.secret)).toBe(false);
    expect(bytes.includes(Buffer.from(receiver.secret, 'base64url'))).toBe(false);
  }, 300_000);

  it('signs with the same secret after a restart on the same key file (egress allowed from VIGIL_EGRESS_ALLOW)', async () => {
    process.env['VIGIL_EGRESS_ALLOW'] = '127.0.0.1';
    try {
      server = await startServerProcess(serverArgs(...FAST));
    } finally {
      delete process.env['VIGIL_EGRESS_ALLOW'];
    }
    expect(server.stderr()).not.toContain('made secret key');
    await eventArrives(server.base, 'after-restart');
    expect(receiver.arrivals.every((a) => a.signatureOk)).toBe(true);
    expect(await server.stop()).toBe(0);
    server = undefined;
  }, 300_000);

  it('refuses to start on a wrong, missing, unsafe or garbled key file, with a clear coded error', async () => {
    const missing = join(dir, 'new.key');
    const lost = await refusedStart('--secret-key-file', missing);
    expect(lost.code).toBe(1);
    expect(lost.stderr).toMatch(/SECRET_KEY_MISMATCH.*no secret key file at .*new\.key/);
    expect(existsSync(missing)).toBe(false);

    const other = join(dir, 'other.key');
    writeFileSync(other, `${randomBytes(32).toString('base64')}\n`, { mode: 0o600 });
    const wrong = await refusedStart('--secret-key-file', other);
    expect(wrong.stderr).toMatch(/SECRET_KEY_MISMATCH.*other\.key holds key [0-9a-f]{16}, but the database/);

    chmodSync(keyFile, 0o644);
    const open = await refusedStart();
    expect(open.code).toBe(1);
    expect(open.stderr).toMatch(/SECRET_KEY_FILE_INVALID.*mode 0644.*chmod 600/);
    chmodSync(keyFile, 0o600);

    writeFileSync(other, 'not a key\n', { mode: 0o600 });
    expect((await refusedStart('--secret-key-file', other)).stderr).toContain('SECRET_KEY_FILE_INVALID');
    for (const r of [lost, wrong, open]) expect(r.stderr).not.toContain('    at ');
  }, 300_000);

  it('refuses an egress allow list it cannot read, as a usage error', async () => {
    const r = await refusedStart('--egress-allow', '127.0.0.1,0x7f.1');
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"0x7f.1" is not an IP address');
  });
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { FastifyInstance } from 'fastify';
import { createApiKey } from '../../src/accounts/api-keys.js';
import { main } from '../../src/cli/cli-main.js';
import { buildServer } from '../../src/server/server-app.js';
import type { ServiceDb } from '../../src/store/service-db.js';
import { call, insertAccount } from '../server/api-server.js';

/** A real server on 127.0.0.1 (port 0) over a fresh service DB, with one account and its admin key. */
export interface ApplyServer {
  dir: string;
  db: ServiceDb;
  app: FastifyInstance;
  base: string;
  key: string;
  keyFile: string;
  close(): Promise<void>;
}

export async function startApplyServer(db: ServiceDb, adminAccount = 'security'): Promise<ApplyServer> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-apply-'));
  await insertAccount(db, adminAccount);
  const { key } = await createApiKey(db.kysely, { accountId: adminAccount, role: 'admin' });
  const keyFile = join(dir, 'admin.key');
  writeFileSync(keyFile, key + '\n', { mode: 0o600 });
  // The example's registry is on a private address, as a self-hosted one is; the server only checks
  // the policy for it (an address literal: no lookup) and never connects in these tests.
  const app = await buildServer({ db, config: { egressAllow: ['127.0.0.1', '10.20.0.0/16'] } });
  const base = await app.listen({ port: 0, host: '127.0.0.1' });
  return {
    dir,
    db,
    app,
    base,
    key,
    keyFile,
    async close() {
      await app.close();
      await db.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** `vigil ARGS` through the CLI's own entry point, its output captured. */
export async function vigil(args: string[]): Promise<CliRun> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  stdout.on('data', (b: Buffer) => out.push(b));
  stderr.on('data', (b: Buffer) => err.push(b));
  const code = await main(['node', 'vigil', ...args], { stdout, stderr });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}

export function applyArgs(s: ApplyServer, file: string, ...more: string[]): string[] {
  return ['apply', file, '--server', s.base, '--api-key-file', s.keyFile, ...more];
}

export function writeFile(s: ApplyServer, name: string, text: string): string {
  const path = join(s.dir, name);
  writeFileSync(path, text);
  return path;
}

/** GET through the API as the admin key; throws on anything but 200. */
export async function get<T>(s: ApplyServer, path: string): Promise<T> {
  const r = await call(s.base, s.key, 'GET', path);
  if (r.status !== 200) throw new Error(`GET ${path}: ${r.status} ${JSON.stringify(r.json)}`);
  return r.json as T;
}

export interface AuditRow {
  seq: number;
  action: string;
  target: string | null;
}

/**
 * The actions of the audit log after row `seq`, oldest first, read from the service DB: every mutating
 * call leaves one (refused ones included). The server writes a row just after its response, so the
 * callers wait (vi.waitFor) for the rows they expect rather than read once.
 */
export async function auditSince(s: ApplyServer, seq: number): Promise<AuditRow[]> {
  return s.db.kysely
    .selectFrom('audit_log')
    .select(['seq', 'action', 'target'])
    .where('seq', '>', seq)
    .orderBy('seq')
    .execute();
}

/**
 * A write that changes nothing (forgetting an object apply never owned: a 404), whose audit row marks
 * a point in the log: once it is there, the rows of every write before it are there too.
 */
export async function auditMark(s: ApplyServer): Promise<void> {
  const r = await call(
    s.base,
    s.key,
    'DELETE',
    '/v1/accounts/security/applied-objects/audit-mark/audit-mark',
  );
  if (r.status !== 404) throw new Error(`audit mark: ${r.status}`);
}

/** The mark's row (apply's own ownership deletes share its route, not its target). */
export const isMark = (r: AuditRow): boolean =>
  r.action === 'DELETE /v1/accounts/{accountId}/applied-objects/{appliedKind}/{appliedObjectId}' &&
  (r.target ?? '').includes('audit-mark');

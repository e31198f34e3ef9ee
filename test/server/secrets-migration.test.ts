import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { Kysely, Migrator, PostgresDialect, SqliteDialect, sql, type Migration } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { m0001ServiceInitial } from '../../src/store/migrations/m0001-service-initial.js';
import { m0002ServiceFeatures } from '../../src/store/migrations/m0002-service-features.js';
import { m0003FindingsListIndexes } from '../../src/store/migrations/m0003-findings-list-indexes.js';
import { m0004ConsoleTables } from '../../src/store/migrations/m0004-console-tables.js';
import { SecretBox } from '../../src/store/secret-box.js';
import { webhookSecretContext } from '../../src/store/secret-contexts.js';
import { openServiceDb } from '../../src/store/service-db.js';
import { startPostgres, type PrivatePostgres } from '../fixtures/postgres.js';

type Dialect = 'sqlite' | 'postgres';
const PLAIN = ['plain-secret-one-9f1c2e', 'plain-secret-two-77ab04'];
/** The secret of a subscription deleted before the upgrade: its bytes linger in free pages. */
const DELETED = 'plain-secret-deleted-c0ffee';

/**
 * The schema as migration 0004 left it (before secrets were sealed), with these plaintext secrets in it,
 * and one more that was deleted (SQLite leaves a deleted row's bytes in the file's free space).
 */
async function dbBeforeSealing(dialect: Dialect, url: string, secrets: readonly string[]): Promise<void> {
  const kysely = new Kysely<unknown>({
    dialect:
      dialect === 'sqlite'
        ? new SqliteDialect({ database: new Database(url.slice('sqlite:'.length)) })
        : new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
  const earlier: Record<string, Migration> = {
    '0001-service-initial': m0001ServiceInitial(dialect),
    '0002-service-features': m0002ServiceFeatures(dialect),
    '0003-findings-list-indexes': m0003FindingsListIndexes(),
    '0004-console-tables': m0004ConsoleTables(),
  };
  const { error } = await new Migrator({
    db: kysely,
    provider: { getMigrations: () => Promise.resolve(earlier) },
  }).migrateToLatest();
  if (error) throw error instanceof Error ? error : new Error(JSON.stringify(error));
  for (const [i, secret] of [...secrets, DELETED].entries()) {
    await sql`INSERT INTO webhook_subscriptions (id, account_id, url, secret, event_types_json, enabled, cursor_seq, created_at, updated_at)
      VALUES (${`sub-${i}`}, 'acct', 'https://hooks.example.test/x', ${secret}, '[]', 1, 0, '2026-01-01T00:00:00Z', '2026-01-01T00:00:00Z')`.execute(
      kysely,
    );
  }
  await sql`DELETE FROM webhook_subscriptions WHERE secret = ${DELETED}`.execute(kysely);
  await kysely.destroy();
}

for (const dialect of ['sqlite', 'postgres'] as const) {
  describe(`migration 0005 seals existing webhook secrets (${dialect})`, () => {
    let dir = '';
    let cluster: PrivatePostgres | undefined;
    let n = 0;
    const fresh = async (): Promise<string> => {
      if (dialect === 'sqlite') return `sqlite:${join(dir, `db-${++n}.sqlite`)}`;
      const name = `vigil_mig_${++n}`;
      const admin = new pg.Client({ connectionString: cluster?.url });
      await admin.connect();
      await admin.query(`CREATE DATABASE ${name}`);
      await admin.end();
      return (cluster?.url ?? '').replace('/postgres?', `/${name}?`);
    };
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'vigil-secrets-mig-'));
      if (dialect === 'postgres') cluster = await startPostgres();
    });
    afterAll(() => {
      cluster?.stop();
      rmSync(dir, { recursive: true, force: true });
    });

    it('needs the server key when plaintext secrets exist, then keeps only envelopes that open to them', async () => {
      const url = await fresh();
      await dbBeforeSealing(dialect, url, PLAIN);
      await expect(openServiceDb({ url })).rejects.toMatchObject({
        code: 'SERVICE_DB',
        message: expect.stringContaining('2 webhook secrets in plaintext') as unknown,
      });
      const box = SecretBox.ephemeral();
      const db = await openServiceDb({ url, secrets: box });
      try {
        const rows = await db.kysely.selectFrom('webhook_subscriptions').selectAll().orderBy('id').execute();
        expect(rows.map((r) => box.open(r.secret_sealed, webhookSecretContext(r.id)))).toEqual(PLAIN);
        expect(rows.every((r) => r.secret_sealed.startsWith(`v1.${box.keyId}.`))).toBe(true);
        expect(rows.some((r) => 'secret' in r)).toBe(false);
        // Sealed for its own row only.
        expect(() => box.open(rows[0]!.secret_sealed, webhookSecretContext('sub-1'))).toThrow(
          expect.objectContaining({ code: 'SECRET_UNREADABLE' }) as Error,
        );
      } finally {
        await db.close();
      }
      if (dialect === 'sqlite') {
        const files = readdirSync(dir).filter((f) => f.startsWith(`db-${n}.sqlite`));
        const bytes = Buffer.concat(files.map((f) => readFileSync(join(dir, f))));
        expect(bytes.includes('hooks.example.test')).toBe(true);
        for (const p of [...PLAIN, DELETED]) expect(bytes.includes(p), p).toBe(false);
      }
    });

    it('migrates a DB without webhook secrets with no key (what `vigil admin` does on a fresh install)', async () => {
      const url = await fresh();
      await dbBeforeSealing(dialect, url, []);
      const db = await openServiceDb({ url });
      await db.close();
    });
  });
}

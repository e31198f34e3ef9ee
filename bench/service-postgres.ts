import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env['VIGIL_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

export interface BenchPostgres {
  /** A postgres:// URL over the cluster's private unix socket. */
  url: string;
  stop(): void;
}

/**
 * A private PostgreSQL cluster for the service bench, made the way test/fixtures/postgres.ts makes
 * one (initdb -A trust, pg_ctl on a unix socket in a temp dir, no TCP listener); dist cannot import
 * test code, so this is a copy without the template cache. Unlike the tests it keeps PostgreSQL's
 * default durability (fsync, synchronous_commit): load times are what a real server would pay.
 */
export function startBenchPostgres(): BenchPostgres | { error: string } {
  if (!existsSync(join(PG_BIN, 'initdb'))) return { error: `PostgreSQL not installed (${PG_BIN})` };
  const root = mkdtempSync(join(tmpdir(), 'vigil-bench-pg-'));
  const data = join(root, 'data');
  try {
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
    pgRun('initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '-D', data]);
    const opts = `-p 5432 -k ${root} -c listen_addresses='' -c shared_buffers=256MB`;
    pgRun('pg_ctl', ['-D', data, '-o', opts, '-l', join(root, 'log'), '-w', 'start']);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    return { error: `cannot start PostgreSQL: ${String(err).split('\n')[0]}` };
  }
  return {
    url: `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(root)}`,
    stop: () => {
      try {
        pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
  };
}

/** Runs a PostgreSQL binary; as root, as the `postgres` user (initdb and the server refuse root). */
function pgRun(bin: string, args: string[]): void {
  const [cmd, argv] = asRoot
    ? ['runuser', ['-u', 'postgres', '--', join(PG_BIN, bin), ...args]]
    : [join(PG_BIN, bin), args];
  execFileSync(cmd, argv, { stdio: ['ignore', 'ignore', 'pipe'] });
}

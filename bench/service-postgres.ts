import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const PG_BIN = process.env['VIGIL_PG_BIN'] ?? '/usr/lib/postgresql/15/bin';
const asRoot = process.getuid?.() === 0;

/** Why the bench cannot run PostgreSQL here, or undefined when it can. */
export function postgresMissing(): string | undefined {
  return existsSync(join(PG_BIN, 'initdb')) ? undefined : `PostgreSQL not installed (${PG_BIN})`;
}

export interface BenchPostgres {
  /** A postgres:// URL over the cluster's private unix socket. */
  url: string;
  /** Stops the cluster and deletes it. */
  stop(): void;
  /** Stops the cluster cleanly (a checkpoint, no recovery needed) and moves its data directory to `dest`. */
  stopAndKeep(dest: string): void;
}

/**
 * A private PostgreSQL cluster for the service bench, made the way test/fixtures/postgres.ts makes
 * one (initdb -A trust, pg_ctl on a unix socket in a temp dir, no TCP listener); dist cannot import
 * test code, so this is a copy without the template cache. Unlike the tests it keeps PostgreSQL's
 * default durability (fsync, synchronous_commit): load times are what a real server would pay.
 * `from`: a data directory kept by `stopAndKeep` (the list bench's cache), copied rather than initdb.
 */
export function startBenchPostgres(opts: { from?: string } = {}): BenchPostgres | { error: string } {
  const missing = postgresMissing();
  if (missing) return { error: missing };
  const root = mkdtempSync(join(tmpdir(), 'vigil-bench-pg-'));
  const data = join(root, 'data');
  try {
    if (opts.from) {
      execFileSync('cp', ['-a', opts.from, data]);
      execFileSync('chmod', ['700', data]);
    }
    if (asRoot) execFileSync('chown', ['-R', 'postgres:postgres', root]);
    if (!opts.from) pgRun('initdb', ['-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-sync', '-D', data]);
    const options = `-p 5432 -k ${root} -c listen_addresses='' -c shared_buffers=256MB`;
    pgRun('pg_ctl', ['-D', data, '-o', options, '-l', join(root, 'log'), '-w', 'start']);
  } catch (err) {
    rmSync(root, { recursive: true, force: true });
    return { error: `cannot start PostgreSQL: ${String(err).split('\n')[0]}` };
  }
  const stopped = (): void => pgRun('pg_ctl', ['-D', data, '-m', 'fast', '-w', 'stop']);
  return {
    url: `postgres://postgres@localhost:5432/postgres?host=${encodeURIComponent(root)}`,
    stop: () => {
      try {
        stopped();
      } finally {
        rmSync(root, { recursive: true, force: true });
      }
    },
    stopAndKeep: (dest) => {
      try {
        stopped();
        // Same file system in the usual case (a rename); else a copy.
        execFileSync('mv', [data, dest]);
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

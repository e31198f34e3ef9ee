import { chmodSync, closeSync, existsSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';

/** The SQLite files of one database: SQLite gives -wal and -shm the mode of the main file. */
const SQLITE_SUFFIXES = ['', '-wal', '-shm', '-journal'];

/**
 * Makes the service DB's files readable by their owner only, before SQLite opens them: the DB holds key
 * hashes, webhook secrets and every tenant's findings, and under a umask of 022 it was created 0644.
 * A new file is created 0600 (so its -wal and -shm are too); existing ones are narrowed to 0600, and
 * a new data directory is 0700.
 */
export function privateSqliteFiles(path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  for (const suffix of SQLITE_SUFFIXES) {
    const file = `${path}${suffix}`;
    if (existsSync(file)) chmodSync(file, 0o600);
  }
}

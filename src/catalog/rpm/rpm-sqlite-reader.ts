import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

type DatabaseClass = typeof BetterSqlite3;
let loaded: Promise<DatabaseClass> | undefined;

/**
 * better-sqlite3 is a native addon: loaded on the first SQLite rpmdb only, so a Debian or Alpine root
 * (and `vigil agent`, which ships without native addons) never loads it. Where it cannot load, the
 * cataloger records the rpmdb as an unknown with the reason.
 */
function sqlite(): Promise<DatabaseClass> {
  loaded ??= import('better-sqlite3').then((m) => m.default);
  return loaded;
}

/**
 * Header blobs of an rpm 4.16+ SQLite database (`rpmdb.sqlite`, table `Packages(hnum, blob)`).
 * rpm keeps the database in WAL mode; a clean rpm exit checkpoints the WAL, so normally the main file
 * is complete and is opened from memory (the WAL flag in the file header is cleared on the copy, as
 * SQLite cannot deserialize a WAL-mode image). When a non-empty `-wal` file sits beside it, both are
 * copied to a private temp dir so SQLite replays the WAL exactly as rpm would see it.
 */
export async function readSqliteBlobs(db: Buffer, wal?: Buffer): Promise<Buffer[]> {
  const Database = await sqlite();
  if (wal && wal.length > 0) return withTempCopy(Database, db, wal);
  const image = Buffer.from(db);
  if (image.length > 19 && image[18] === 2 && image[19] === 2) {
    image[18] = 1;
    image[19] = 1;
  }
  return query(new Database(image, { readonly: true }));
}

function withTempCopy(Database: DatabaseClass, db: Buffer, wal: Buffer): Buffer[] {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-rpmdb-'));
  try {
    writeFileSync(join(dir, 'rpmdb.sqlite'), db);
    writeFileSync(join(dir, 'rpmdb.sqlite-wal'), wal);
    return query(new Database(join(dir, 'rpmdb.sqlite')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function query(conn: BetterSqlite3.Database): Buffer[] {
  try {
    const rows = conn.prepare('SELECT blob FROM Packages ORDER BY hnum').all() as { blob: unknown }[];
    return rows.map((r) => r.blob).filter((b): b is Buffer => Buffer.isBuffer(b));
  } finally {
    conn.close();
  }
}

import { posix } from 'node:path';
import type { PackageDraft } from '../../core/package.js';
import type { Unknown } from '../../core/unknown.js';
import type { CatalogerFile, FileOwnership, ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';
import { readBdbBlobs, type BlobScan } from './rpm-bdb-reader.js';
import { RpmHeader } from './rpm-header-parser.js';
import { readNdbBlobs } from './rpm-ndb-reader.js';
import { toRpmInstalled } from './rpm-package-mapper.js';
import { readSqliteBlobs } from './rpm-sqlite-reader.js';

const DB_DIRS = ['var/lib/rpm', 'usr/lib/sysimage/rpm', 'usr/share/rpm'];
const DB_FILES = ['rpmdb.sqlite', 'Packages', 'Packages.db'];

/**
 * rpm packages from the rpm database in any of its three backends: SQLite (rpm ≥ 4.16: Fedora 33+,
 * RHEL 9, CBL-Mariner), Berkeley DB hash (RHEL ≤ 8, CentOS, Amazon Linux 2) and NDB (SUSE). Fedora and
 * openSUSE keep the database in /usr/lib/sysimage/rpm with /var/lib/rpm as a directory symlink; the
 * resolver does not walk directory symlinks, so the database is found once, under its real place.
 */
export const rpmCataloger = defineCataloger({
  name: 'rpm-db',
  ecosystem: 'rpm',
  tags: ['os', 'installed'],
  globs: DB_DIRS.flatMap((d) => DB_FILES.map((f) => `${d}/${f}`)),
  parse: parseRpmDb,
});

async function parseRpmDb(file: CatalogerFile): Promise<ParseResult> {
  const scan = await readBlobs(file);
  const packages: PackageDraft[] = [];
  const ownership: FileOwnership[] = [];
  let bad = 0;
  let firstError = '';
  for (const blob of scan.blobs) {
    try {
      const installed = toRpmInstalled(RpmHeader.parse(blob));
      if (!installed) continue;
      packages.push(installed.draft);
      if (installed.ownership) ownership.push(installed.ownership);
    } catch (err) {
      bad++;
      firstError ||= (err as Error).message;
    }
  }
  const unknowns: Omit<Unknown, 'foundBy'>[] = scan.problems.map((detail) => ({
    path: file.path,
    reason: 'parse-error',
    detail,
  }));
  if (bad > 0) {
    unknowns.push({
      path: file.path,
      reason: 'parse-error',
      detail: `${bad} unreadable header(s): ${firstError}`,
    });
  }
  return { packages, ownership, unknowns };
}

async function readBlobs(file: CatalogerFile): Promise<BlobScan> {
  switch (posix.basename(file.path)) {
    case 'rpmdb.sqlite': {
      const wal = await file.readSibling('rpmdb.sqlite-wal');
      return { blobs: await readSqliteBlobs(await file.read(), wal), problems: [] };
    }
    case 'Packages.db':
      return withReader(file, readNdbBlobs);
    default:
      return withReader(file, readBdbBlobs);
  }
}

async function withReader(
  file: CatalogerFile,
  read: (r: Awaited<ReturnType<CatalogerFile['open']>>) => Promise<BlobScan>,
): Promise<BlobScan> {
  const reader = await file.open();
  try {
    return await read(reader);
  } finally {
    await reader.close();
  }
}

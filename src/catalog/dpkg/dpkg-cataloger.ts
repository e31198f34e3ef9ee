import { posix } from 'node:path';
import type { Unknown } from '../../core/unknown.js';
import type { CatalogerFile, FileOwnership, ParseResult } from '../cataloger.js';
import { defineCataloger } from '../define-cataloger.js';
import { parseDpkgStatus, toDraft, type DpkgEntry } from './dpkg-status-parser.js';
import { parseDpkgFileList, parseMd5sums } from './dpkg-file-list-parser.js';

/**
 * Debian packages from dpkg's database: the `status` file, and distroless images' `status.d/<pkg>`
 * files (one stanza each, with `<pkg>.md5sums` beside them instead of `info/*.list`).
 */
export const dpkgCataloger = defineCataloger({
  name: 'dpkg-db',
  ecosystem: 'deb',
  tags: ['os', 'installed'],
  globs: ['var/lib/dpkg/status', 'var/lib/dpkg/status.d/*'],
  parse: parseDpkgFile,
});

const COMPANION_SUFFIX = /\.(md5sums|list|conffiles|shlibs|symbols|triggers|preinst|postinst|prerm|postrm)$/;

async function parseDpkgFile(file: CatalogerFile): Promise<ParseResult> {
  const distroless = posix.basename(posix.dirname(file.path)) === 'status.d';
  // status.d also holds `<pkg>.md5sums` files; they list files, not packages. Package names may
  // themselves contain dots (python3.11), so only known companion suffixes are skipped.
  if (distroless && COMPANION_SUFFIX.test(file.path)) return { packages: [] };
  const text = (await file.read()).toString('utf8');
  const parsed = parseDpkgStatus(text, { statusOptional: distroless });
  const unknowns: Omit<Unknown, 'foundBy'>[] = parsed.problems.map((detail) => ({
    path: file.path,
    reason: 'parse-error',
    detail,
  }));
  const ownership: FileOwnership[] = [];
  for (const entry of parsed.entries) {
    try {
      const files = await ownedFiles(file, entry, distroless);
      if (files.length > 0) ownership.push(ownershipOf(entry, files));
    } catch (err) {
      unknowns.push({
        path: file.path,
        reason: 'unreadable',
        detail: `file list of ${entry.name}: ${String(err)}`,
      });
    }
  }
  return { packages: parsed.entries.map(toDraft), ownership, unknowns };
}

/**
 * dpkg names a package's file list `<name>:<arch>.list` when it is Multi-Arch: same, `<name>.list`
 * otherwise; distroless keeps `status.d/<name>.md5sums`.
 */
async function ownedFiles(file: CatalogerFile, entry: DpkgEntry, distroless: boolean): Promise<string[]> {
  if (distroless) {
    const sums = await file.readSibling(`${posix.basename(file.path)}.md5sums`);
    return sums ? parseMd5sums(sums.toString('utf8')) : [];
  }
  const info = posix.join(posix.dirname(file.path), 'info');
  const plain = `${entry.name}.list`;
  const qualified = entry.arch ? `${entry.name}:${entry.arch}.list` : undefined;
  // The likely name first (one stat per package on a big host), the other as a fallback.
  const names = !qualified ? [plain] : entry.multiArch === 'same' ? [qualified, plain] : [plain, qualified];
  for (const name of names) {
    const list = await file.readSibling(posix.join(info, name));
    if (list) return parseDpkgFileList(list.toString('utf8'));
  }
  return [];
}

function ownershipOf(entry: DpkgEntry, files: string[]): FileOwnership {
  return {
    ecosystem: 'deb',
    name: entry.name,
    version: entry.version,
    sourceName: entry.sourceName,
    sourceVersion: entry.sourceVersion,
    files,
  };
}

import type { OsInfo } from '../../core/os-info.js';
import type { Resolver } from '../../source/resolver.js';
import { eolEntry, isEndOfLife } from './eol-table.js';
import { parseOsRelease } from './os-release-parser.js';
import { debianReleaseOfCodename } from '../../core/debian-releases.js';
import { releaseKey } from './os-release-key.js';
import { parseAlpineRelease, parseDebianVersion, parseRedhatRelease } from './release-file-parser.js';

/** Files read, in order of authority: os-release first, vendor files fill what it leaves out. */
export const OS_FILES = [
  '/etc/os-release',
  '/usr/lib/os-release',
  '/etc/debian_version',
  '/etc/alpine-release',
  '/etc/redhat-release',
  '/etc/system-release',
] as const;

const MAX_OS_FILE = 64 * 1024;

export interface DetectOptions {
  /** The day end of life is judged on; default today. */
  now?: Date;
}

/** Identify the distribution of a root filesystem; undefined when nothing says. */
export async function detectOs(resolver: Resolver, opts: DetectOptions = {}): Promise<OsInfo | undefined> {
  const files = new Map<string, string>();
  for (const path of OS_FILES) {
    try {
      if (!(await resolver.stat(path))) continue;
      files.set(path, (await resolver.readFile(path, { maxBytes: MAX_OS_FILE })).toString('utf8'));
    } catch {
      // Too large or unreadable: the resolver or the next file speaks instead; never fatal for a scan.
    }
  }
  return identifyOs(files, opts.now ?? new Date());
}

/** Pure: OsInfo from the contents of the files in OS_FILES (absent ones left out of the map). */
export function identifyOs(files: ReadonlyMap<string, string>, now: Date): OsInfo | undefined {
  const info = fromOsRelease(files) ?? fromVendorFiles(files);
  if (!info) return undefined;
  supplement(info, files);
  const release = releaseKey(info);
  if (release !== undefined) info.release = release;
  const eol = eolEntry(info.id, release);
  if (eol) {
    info.eolDate = eol.eol;
    info.eol = isEndOfLife(eol, now);
  }
  return info;
}

function fromOsRelease(files: ReadonlyMap<string, string>): OsInfo | undefined {
  for (const path of ['/etc/os-release', '/usr/lib/os-release']) {
    const text = files.get(path);
    if (text === undefined) continue;
    const kv = parseOsRelease(text);
    if (!kv['ID']) continue;
    const info: OsInfo = {
      id: kv['ID'].toLowerCase(),
      idLike: (kv['ID_LIKE'] ?? '').toLowerCase().split(/\s+/).filter(Boolean),
      sources: [path],
    };
    if (kv['VERSION_ID']) info.versionId = kv['VERSION_ID'];
    const codename = kv['VERSION_CODENAME'] || kv['UBUNTU_CODENAME'];
    if (codename) info.codename = codename;
    if (kv['PRETTY_NAME']) info.prettyName = kv['PRETTY_NAME'];
    return info;
  }
  return undefined;
}

/** Systems without os-release (CentOS 6, old Debian and Alpine images, hand-made rootfs). */
function fromVendorFiles(files: ReadonlyMap<string, string>): OsInfo | undefined {
  const alpine = files.get('/etc/alpine-release');
  if (alpine !== undefined && parseAlpineRelease(alpine)) {
    return { id: 'alpine', idLike: [], sources: [] };
  }
  for (const path of ['/etc/redhat-release', '/etc/system-release']) {
    const text = files.get(path);
    const rh = text === undefined ? undefined : parseRedhatRelease(text);
    if (!rh) continue;
    const info: OsInfo = {
      id: rh.id,
      idLike: [],
      versionId: rh.versionId,
      prettyName: rh.prettyName,
      sources: [path],
    };
    if (rh.codename) info.codename = rh.codename;
    return info;
  }
  const debian = files.get('/etc/debian_version');
  if (debian !== undefined && parseDebianVersion(debian)) return { id: 'debian', idLike: [], sources: [] };
  return undefined;
}

/** Fill what os-release leaves out from the vendor's own file (Debian testing has no VERSION_ID). */
function supplement(info: OsInfo, files: ReadonlyMap<string, string>): void {
  if (info.id === 'debian') {
    const text = files.get('/etc/debian_version');
    const dv = text === undefined ? undefined : parseDebianVersion(text);
    if (!dv) return;
    const before = `${info.versionId}/${info.codename}`;
    const major = dv.version?.split('.')[0];
    if (!info.versionId && major) info.versionId = major;
    if (!info.codename) {
      const name = dv.codename ?? (major ? codenameOfRelease(major) : undefined);
      if (name) info.codename = name;
    }
    if (before !== `${info.versionId}/${info.codename}`) info.sources.push('/etc/debian_version');
  } else if (info.id === 'alpine' && !info.versionId) {
    const text = files.get('/etc/alpine-release');
    const v = text === undefined ? undefined : parseAlpineRelease(text);
    if (v) {
      info.versionId = v;
      info.sources.push('/etc/alpine-release');
    }
  }
}

function codenameOfRelease(major: string): string | undefined {
  for (const name of ['wheezy', 'jessie', 'stretch', 'buster', 'bullseye', 'bookworm', 'trixie', 'forky']) {
    if (debianReleaseOfCodename(name) === major) return name;
  }
  return undefined;
}

import type { PackageDraft } from '../../core/package.js';

/**
 * Pure parser for apk's installed database (`lib/apk/db/installed`): one stanza per package, blank
 * lines between, each line `<letter>:<value>`. Fields used: P name, V version, A arch, o origin (the
 * aports source package), L license, m maintainer, U url; F names a directory (relative to the root)
 * and the R lines after it are the files the package installed there. Never throws: lines that are
 * not `X:value` are counted, stanzas without P or V are dropped and counted.
 */
export interface ApkEntry {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  url?: string;
  /** Absolute paths of the files (R:) the package installed. */
  files: string[];
}

export interface ApkInstalledParse {
  entries: ApkEntry[];
  problems: string[];
}

type ApkStanza = Partial<ApkEntry> & { files: string[]; dir: string };

export function parseApkInstalled(text: string): ApkInstalledParse {
  const entries: ApkEntry[] = [];
  let badLines = 0;
  let incomplete = 0;
  let cur: ApkStanza | undefined;
  const flush = () => {
    if (!cur) return;
    const entry = complete(cur);
    if (entry) entries.push(entry);
    else incomplete++;
    cur = undefined;
  };
  for (const raw of text.split('\n')) {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line === '') {
      flush();
      continue;
    }
    if (line.length < 2 || line[1] !== ':' || !/[A-Za-z]/.test(line[0] as string)) {
      badLines++;
      continue;
    }
    cur ??= { files: [], dir: '' };
    apply(cur, line[0] as string, line.slice(2));
  }
  flush();
  const problems: string[] = [];
  if (badLines > 0) problems.push(`${badLines} malformed line(s)`);
  if (incomplete > 0) problems.push(`${incomplete} stanza(s) without P (name) or V (version)`);
  return { entries, problems };
}

function apply(cur: ApkStanza, key: string, value: string): void {
  switch (key) {
    case 'P':
      cur.name = value;
      break;
    case 'V':
      cur.version = value;
      break;
    case 'A':
      cur.arch = value;
      break;
    case 'o':
      cur.origin = value;
      break;
    case 'L':
      cur.license = value;
      break;
    case 'm':
      cur.maintainer = value;
      break;
    case 'U':
      cur.url = value;
      break;
    case 'F':
      cur.dir = value;
      break;
    case 'R':
      cur.files.push(cur.dir ? `/${cur.dir}/${value}` : `/${value}`);
      break;
    default:
      break;
  }
}

function complete(cur: ApkStanza): ApkEntry | undefined {
  if (!cur.name || !cur.version) return undefined;
  const entry: ApkEntry = { name: cur.name, version: cur.version, files: cur.files };
  if (cur.arch) entry.arch = cur.arch;
  if (cur.origin) entry.origin = cur.origin;
  if (cur.license) entry.license = cur.license;
  if (cur.maintainer) entry.maintainer = cur.maintainer;
  if (cur.url) entry.url = cur.url;
  return entry;
}

/**
 * The origin is the aports package a binary was built from, and subpackages share its pkgver-pkgrel,
 * so the source version is the package's own version (Alpine's secdb keys fixes by origin).
 */
export function toApkDraft(e: ApkEntry): PackageDraft {
  const draft: PackageDraft = {
    name: e.name,
    version: e.version,
    ecosystem: 'apk',
    scope: 'installed',
    sourceName: e.origin ?? e.name,
    sourceVersion: e.version,
  };
  if (e.arch) draft.arch = e.arch;
  if (e.license) draft.licenses = [e.license];
  const metadata: Record<string, string> = {};
  if (e.maintainer) metadata['maintainer'] = e.maintainer;
  if (e.url) metadata['url'] = e.url;
  if (Object.keys(metadata).length > 0) draft.metadata = metadata;
  return draft;
}

import type { PackageDraft } from '../../core/package.js';
import { field, parseControl, type ControlStanza } from './deb-control-parser.js';

/** One installed package as dpkg records it, before it becomes a PackageDraft. */
export interface DpkgEntry {
  name: string;
  version: string;
  arch?: string;
  /** What `dpkg-query -f '${source:Package}'` prints: the Source name, else the package name. */
  sourceName: string;
  /** What `${source:Version}` prints: the version in `Source: x (v)`, else the package version. */
  sourceVersion: string;
  maintainer?: string;
  multiArch?: string;
}

export interface DpkgStatusParse {
  entries: DpkgEntry[];
  /** Human-readable problems (bad lines, stanzas without a name or version); empty when clean. */
  problems: string[];
}

export interface DpkgStatusOptions {
  /**
   * distroless `status.d/*` files carry one stanza each and often no Status field: being there means
   * installed. In the main status file a missing Status is a damaged stanza.
   */
  statusOptional?: boolean;
}

/** Pure: the installed packages of a dpkg status file. Never throws; damage is reported in `problems`. */
export function parseDpkgStatus(text: string, opts: DpkgStatusOptions = {}): DpkgStatusParse {
  const problems: string[] = [];
  // dpkg ends every stanza with a newline and a blank line: a file that stops mid-line was cut, and
  // its last stanza may carry a cut value (a shortened Version), so that stanza is not trusted.
  if (text.length > 0 && !text.endsWith('\n') && !opts.statusOptional) {
    const lastBlank = text.lastIndexOf('\n\n');
    text = lastBlank >= 0 ? text.slice(0, lastBlank + 2) : '';
    problems.push('file ends mid-line (truncated): its last stanza was dropped');
  }
  const parsed = parseControl(text);
  const entries: DpkgEntry[] = [];
  if (parsed.badLines > 0) {
    problems.push(`${parsed.badLines} malformed line(s), first at line ${parsed.firstBadLine ?? '?'}`);
  }
  let incomplete = 0;
  for (const stanza of parsed.stanzas) {
    const status = field(stanza, 'Status');
    if (status === undefined ? !opts.statusOptional : !isInstalled(status)) {
      if (status === undefined) incomplete++;
      continue;
    }
    const entry = toEntry(stanza);
    if (entry) entries.push(entry);
    else incomplete++;
  }
  if (incomplete > 0) problems.push(`${incomplete} stanza(s) without Package, Version or Status`);
  return { entries, problems };
}

/** `want flag state`: dpkg-query lists more states, but only `ok installed` is on disk and complete. */
function isInstalled(status: string): boolean {
  const words = status.split(/\s+/);
  return words.length === 3 && words[1] === 'ok' && words[2] === 'installed';
}

function toEntry(stanza: ControlStanza): DpkgEntry | undefined {
  const name = field(stanza, 'Package');
  const version = field(stanza, 'Version');
  if (!name || !version || /\s/.test(name) || /\s/.test(version)) return undefined;
  const source = parseSourceField(field(stanza, 'Source'));
  const entry: DpkgEntry = {
    name,
    version,
    sourceName: source?.name ?? name,
    sourceVersion: source?.version ?? version,
  };
  const arch = field(stanza, 'Architecture');
  if (arch) entry.arch = arch;
  const maintainer = field(stanza, 'Maintainer');
  if (maintainer) entry.maintainer = maintainer;
  const multiArch = field(stanza, 'Multi-Arch');
  if (multiArch) entry.multiArch = multiArch;
  return entry;
}

/** `Source: name` or `Source: name (version)` (binNMUs and rebuilds carry the source's own version). */
export function parseSourceField(value: string | undefined): { name: string; version?: string } | undefined {
  if (!value) return undefined;
  const m = /^(\S+)(?:\s*\(\s*([^)\s]+)\s*\))?\s*$/.exec(value);
  if (!m?.[1]) return undefined;
  return m[2] ? { name: m[1], version: m[2] } : { name: m[1] };
}

/** deb version `[epoch:]upstream[-revision]`: the epoch is the digits before the first colon. */
export function splitDebVersion(version: string): { epoch?: number; upstream: string; revision?: string } {
  const colon = version.indexOf(':');
  let epoch: number | undefined;
  let rest = version;
  if (colon > 0 && /^\d+$/.test(version.slice(0, colon))) {
    epoch = Number(version.slice(0, colon));
    rest = version.slice(colon + 1);
  }
  const dash = rest.lastIndexOf('-');
  const upstream = dash > 0 ? rest.slice(0, dash) : rest;
  const revision = dash > 0 ? rest.slice(dash + 1) : undefined;
  return {
    ...(epoch !== undefined ? { epoch } : {}),
    upstream,
    ...(revision !== undefined ? { revision } : {}),
  };
}

export function toDraft(entry: DpkgEntry): PackageDraft {
  const v = splitDebVersion(entry.version);
  const metadata: Record<string, string> = { upstreamVersion: v.upstream };
  if (v.revision !== undefined) metadata['debianRevision'] = v.revision;
  if (entry.maintainer) metadata['maintainer'] = entry.maintainer;
  if (entry.multiArch) metadata['multiArch'] = entry.multiArch;
  return {
    name: entry.name,
    version: entry.version,
    ecosystem: 'deb',
    scope: 'installed',
    sourceName: entry.sourceName,
    sourceVersion: entry.sourceVersion,
    ...(v.epoch !== undefined ? { epoch: v.epoch } : {}),
    ...(entry.arch ? { arch: entry.arch } : {}),
    metadata,
  };
}

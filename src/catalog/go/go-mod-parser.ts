import semver from 'semver';
import type { PackageDraft } from '../../core/package.js';

export interface GoModResult {
  packages: PackageDraft[];
  /** Directives the go command itself rejects (a version that is not canonical SemVer, say). */
  problems: string[];
}

interface Directives {
  requires: Requirement[];
  replaces: Replacement[];
  excludes: Set<string>;
  problems: string[];
}

interface Requirement {
  path: string;
  version: string;
  indirect: boolean;
}

interface Replacement {
  from: string;
  fromVersion?: string;
  to: string;
  toVersion?: string;
}

/**
 * Declared dependencies of a `go.mod`: `require` lines (single and blocks) with `// indirect`, less
 * the versions `exclude` drops, after `replace` directives. A replacement by another module version
 * names the code that will be built, so it is listed instead; a replacement by a local directory keeps
 * the requirement and notes the path. What `go mod edit -json` reads is what this reads.
 */
export function parseGoMod(text: string): GoModResult {
  const d: Directives = { requires: [], replaces: [], excludes: new Set(), problems: [] };
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = stripComment(raw).trim();
    if (!line) continue;
    if (block) {
      if (line === ')') block = undefined;
      else directive(block, line, indirect, d);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb = '', rest = ''] = m;
    if (rest === '(') block = verb;
    else directive(verb, rest, indirect, d);
  }
  const packages = d.requires
    .filter((r) => !d.excludes.has(`${r.path}@${r.version}`))
    .map((r) => toDraft(r, d.replaces));
  return { packages, problems: d.problems };
}

/** Module versions are canonical SemVer with a `v` (`v1.2.3`, `v0.0.0-2020…-abc`, `v2.0.0+incompatible`). */
export function isGoModuleVersion(v: string): boolean {
  return v.startsWith('v') && semver.valid(v.slice(1)) === v.slice(1);
}

function directive(verb: string, args: string, indirect: boolean, d: Directives): void {
  const tokens = args.split(/\s+/).filter(Boolean).map(unquote);
  if ((verb === 'require' || verb === 'exclude') && tokens.length >= 2) {
    const [path = '', version = ''] = tokens;
    if (!isGoModuleVersion(version)) d.problems.push(`${verb} ${path}: invalid module version ${version}`);
    else if (verb === 'exclude') d.excludes.add(`${path}@${version}`);
    else d.requires.push({ path, version, indirect });
  } else if (verb === 'replace') {
    const arrow = tokens.indexOf('=>');
    if (arrow < 1) return;
    const [from = '', fromVersion] = tokens.slice(0, arrow);
    const [to = '', toVersion] = tokens.slice(arrow + 1);
    if (toVersion !== undefined && !isGoModuleVersion(toVersion)) {
      d.problems.push(`replace ${from}: invalid module version ${toVersion}`);
      return;
    }
    d.replaces.push({
      from,
      to,
      ...(fromVersion ? { fromVersion } : {}),
      ...(toVersion ? { toVersion } : {}),
    });
  }
}

function toDraft(r: Requirement, replaces: Replacement[]): PackageDraft {
  const metadata: Record<string, string> = {};
  if (r.indirect) metadata['indirect'] = 'true';
  // A versioned replace (`a v1 => …`) wins over an unversioned one (`a => …`), as in cmd/go.
  const rep =
    replaces.find((x) => x.from === r.path && x.fromVersion === r.version) ??
    replaces.find((x) => x.from === r.path && x.fromVersion === undefined);
  if (rep?.toVersion) {
    metadata['replaces'] = `${r.path}@${r.version}`;
    return { name: rep.to, version: rep.toVersion, ecosystem: 'golang', scope: 'declared', metadata };
  }
  if (rep) metadata['replacedBy'] = rep.to;
  return { name: r.path, version: r.version, ecosystem: 'golang', scope: 'declared', metadata };
}

function stripComment(line: string): string {
  const i = line.indexOf('//');
  return i >= 0 ? line.slice(0, i) : line;
}

function unquote(s: string): string {
  return s.length >= 2 && (s[0] === '"' || s[0] === '`') && s.endsWith(s[0]) ? s.slice(1, -1) : s;
}

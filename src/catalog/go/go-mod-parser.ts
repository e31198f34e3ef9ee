import type { PackageDraft } from '../../core/package.js';

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
 * Declared dependencies of a `go.mod`: `require` lines (single and blocks) with `// indirect`, after
 * `replace` directives. A replacement by another module version names the code that will be built, so
 * it is listed instead; a replacement by a local directory keeps the requirement and notes the path.
 */
export function parseGoMod(text: string): PackageDraft[] {
  const requires: Requirement[] = [];
  const replaces: Replacement[] = [];
  let block: string | undefined;
  for (const raw of text.split('\n')) {
    const indirect = /\/\/\s*indirect\b/.test(raw);
    const line = stripComment(raw).trim();
    if (!line) continue;
    if (block) {
      if (line === ')') block = undefined;
      else directive(block, line, indirect, requires, replaces);
      continue;
    }
    const m = /^(\w+)\s*(.*)$/.exec(line);
    if (!m) continue;
    const [, verb = '', rest = ''] = m;
    if (rest === '(') block = verb;
    else directive(verb, rest, indirect, requires, replaces);
  }
  return requires.map((r) => toDraft(r, replaces));
}

function directive(
  verb: string,
  args: string,
  indirect: boolean,
  requires: Requirement[],
  replaces: Replacement[],
): void {
  const tokens = args.split(/\s+/).filter(Boolean).map(unquote);
  if (verb === 'require' && tokens.length >= 2) {
    requires.push({ path: tokens[0] as string, version: tokens[1] as string, indirect });
  } else if (verb === 'replace') {
    const arrow = tokens.indexOf('=>');
    if (arrow < 1) return;
    const [from = '', fromVersion] = tokens.slice(0, arrow);
    const [to = '', toVersion] = tokens.slice(arrow + 1);
    replaces.push({
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

import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * requirements*.txt, pinned entries only (`name[extras]==1.2.3 ; markers --hash=…`): a range names no
 * single release, and includes (`-r`, `-c`), editables and URLs are not releases of a named project.
 * Follows pip's line handling: `\` continuations join lines, `#` after whitespace starts a comment.
 */
export function parseRequirements(text: string): PackageDraft[] {
  const out: PackageDraft[] = [];
  const seen = new Set<string>();
  for (const line of logicalLines(text)) {
    const pin = pinnedRequirement(line);
    if (!pin || seen.has(`${pin.name}@${pin.version}`)) continue;
    seen.add(`${pin.name}@${pin.version}`);
    out.push({ ...pin, ecosystem: 'pypi', scope: 'declared' });
  }
  return out;
}

function logicalLines(text: string): string[] {
  const lines: string[] = [];
  let pending = '';
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '');
    if (line.endsWith('\\')) {
      pending += line.slice(0, -1) + ' ';
      continue;
    }
    lines.push((pending + line).trim());
    pending = '';
  }
  if (pending.trim()) lines.push(pending.trim());
  return lines;
}

const REQUIREMENT = /^([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)\s*(\[[^\]]*\])?\s*(.*)$/;

function pinnedRequirement(line: string): { name: string; version: string } | undefined {
  if (!line || line.startsWith('-') || line.includes('://')) return undefined;
  // Options after the requirement (`--hash=…`, `--global-option`) and markers are not the version.
  const requirement = (line.split(/\s--?[a-z]/)[0] ?? '').split(';')[0]?.trim() ?? '';
  const m = REQUIREMENT.exec(requirement);
  if (!m?.[1]) return undefined;
  const spec = (m[3] ?? '').replace(/^\(|\)$/g, '').trim();
  // `name @ url` is a direct reference; `==1.*` and combined clauses are ranges.
  const pin = /^===?\s*([^\s,;=<>!~*@]+)$/.exec(spec);
  if (!pin?.[1]) return undefined;
  return { name: normalizePythonName(m[1]), version: pin[1] };
}

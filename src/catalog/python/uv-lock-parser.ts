import { parse as parseToml } from 'smol-toml';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { normalizePythonName } from '../../core/pep503-name.js';
import { devOnlyNodes } from '../dev-reachability.js';

type Table = Record<string, unknown>;

interface UvPackage {
  id: string;
  name: string;
  version: string;
  source: Table;
  table: Table;
}

/** Sources that are the project itself (a workspace member), not something installed from elsewhere. */
const PROJECT_SOURCES = ['editable', 'virtual'];

/**
 * uv.lock (`version = 1`): one `[[package]]` per resolved distribution with its `source` (registry, git,
 * url, path, directory, editable, virtual). Workspace members (editable/virtual) are the project and
 * are not listed; their `dependencies` and `optional-dependencies` are the production roots, their
 * `dev-dependencies` groups the dev roots: a package only the dev roots reach is dev.
 */
export function parseUvLock(text: string, path: string): PackageDraft[] {
  let doc: Table;
  try {
    doc = parseToml(text);
  } catch (err) {
    throw new ParseError('uv.lock', path, (err as Error).message);
  }
  if (typeof doc['version'] !== 'number') throw new ParseError('uv.lock', path, 'no lock `version`');
  const pkgs = tables(doc['package']).flatMap((t): UvPackage[] => {
    if (typeof t['name'] !== 'string') return [];
    const version = typeof t['version'] === 'string' ? t['version'] : '';
    const source = isTable(t['source']) ? t['source'] : {};
    return [
      { id: `${normalizePythonName(t['name'])}@${version}`, name: t['name'], version, source, table: t },
    ];
  });
  const dev = devIds(pkgs);
  return pkgs
    .filter((p) => p.version !== '' && !PROJECT_SOURCES.some((k) => k in p.source))
    .map((p) => {
      const metadata: Record<string, string> = { sourceType: Object.keys(p.source)[0] ?? 'unknown' };
      if (dev.has(p.id)) metadata['dev'] = 'true';
      return {
        name: normalizePythonName(p.name),
        version: p.version,
        ecosystem: 'pypi',
        scope: 'declared',
        metadata,
      };
    });
}

function devIds(pkgs: UvPackage[]): Set<string> {
  const byName = new Map<string, UvPackage[]>();
  for (const p of pkgs)
    byName.set(normalizePythonName(p.name), [...(byName.get(normalizePythonName(p.name)) ?? []), p]);
  // A reference names a version only when the lock holds several of that name (a fork).
  const resolve = (ref: Table): string[] => {
    const candidates =
      typeof ref['name'] === 'string' ? (byName.get(normalizePythonName(ref['name'])) ?? []) : [];
    const hit =
      typeof ref['version'] === 'string'
        ? candidates.filter((c) => c.version === ref['version'])
        : candidates;
    return hit.map((c) => c.id);
  };
  const groupRefs = (v: unknown): Table[] => (isTable(v) ? Object.values(v).flatMap(tables) : []);
  const edges = new Map<string, string[]>();
  const prod: string[] = [];
  const devRoots: string[] = [];
  for (const p of pkgs) {
    const direct = tables(p.table['dependencies']).flatMap(resolve);
    const extras = groupRefs(p.table['optional-dependencies']).flatMap(resolve);
    edges.set(p.id, [...direct, ...extras]);
    if (PROJECT_SOURCES.some((k) => k in p.source)) {
      prod.push(...direct, ...extras);
      devRoots.push(...groupRefs(p.table['dev-dependencies']).flatMap(resolve));
    }
  }
  return devOnlyNodes(edges, prod, devRoots);
}

function isTable(v: unknown): v is Table {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tables(v: unknown): Table[] {
  return Array.isArray(v) ? v.filter(isTable) : [];
}

import { parseSyml } from '@yarnpkg/parsers';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { devOnlyNodes } from '../dev-reachability.js';
import { collapseDrafts, type ProjectRoots } from './draft-set.js';
import { splitNameSpec } from './npm-name.js';

interface Entry {
  id: string;
  name: string;
  version: string;
  descriptors: string[];
  deps: Record<string, string>;
  resolved?: string;
}

/**
 * yarn.lock, classic (v1) and berry (v2+, with `__metadata`): both are read by yarn's own syml parser.
 * Keys list the descriptors (`name@range, name@range2`) one resolution satisfies. Berry's workspace
 * entries are the project itself, not dependencies. Dev-only packages are found from the project's
 * package.json roots, since yarn.lock does not flag them.
 */
export function parseYarnLock(text: string, path: string, roots?: ProjectRoots): PackageDraft[] {
  let doc: Record<string, unknown>;
  try {
    doc = parseSyml(text);
  } catch (err) {
    throw new ParseError('yarn.lock', path, (err as Error).message);
  }
  const berry = '__metadata' in doc;
  const entries: Entry[] = [];
  for (const [key, value] of Object.entries(doc)) {
    if (key === '__metadata' || typeof value !== 'object' || value === null) continue;
    const entry = toEntry(key, value as Record<string, unknown>, berry);
    if (entry) entries.push(entry);
  }
  const devOnly = roots ? devIds(entries, roots, berry) : new Set<string>();
  return collapseDrafts(
    entries.map((e) => {
      const metadata: Record<string, string> = {};
      if (devOnly.has(e.id)) metadata['dev'] = 'true';
      if (e.resolved) metadata['resolved'] = e.resolved;
      return { name: e.name, version: e.version, ecosystem: 'npm', scope: 'declared', metadata };
    }),
  );
}

function toEntry(key: string, v: Record<string, unknown>, berry: boolean): Entry | undefined {
  const version = v['version'];
  if (typeof version !== 'string') return undefined;
  const descriptors = key.split(',').map((s) => s.trim().replace(/^"|"$/g, ''));
  const deps = { ...record(v['dependencies']), ...record(v['optionalDependencies']) };
  if (berry) {
    const resolution = typeof v['resolution'] === 'string' ? v['resolution'] : '';
    const [name, ref] = splitNameSpec(resolution);
    // Workspaces and links are the project's own code, not something fetched.
    if (!name || /^(workspace|link|portal):/.test(ref)) return undefined;
    return { id: resolution, name, version, descriptors, deps };
  }
  const [specName, range] = splitNameSpec(descriptors[0] ?? '');
  const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@/.exec(range);
  const resolved = typeof v['resolved'] === 'string' ? v['resolved'] : undefined;
  const name = alias?.[1] ?? (resolved && tarballName(resolved, version)) ?? specName;
  if (!name) return undefined;
  const entry: Entry = { id: key, name, version, descriptors, deps };
  if (resolved) entry.resolved = resolved;
  return entry;
}

/**
 * The package a registry tarball URL names (`…/@scope/name/-/name-1.0.0.tgz`, any registry path
 * prefix): the code yarn fetched, whatever the key calls it (a fork under a scope). Only a URL that
 * agrees with itself (file name = unscoped name + version) is believed.
 */
export function tarballName(url: string, version: string): string | undefined {
  const m = /\/((?:@[^/]+\/)?[^/@]+)\/-\/([^/#?]+)\.tgz(?:[#?].*)?$/.exec(url);
  if (!m?.[1] || !m[2]) return undefined;
  const name = decodeURIComponent(m[1]);
  const unscoped = name.slice(name.indexOf('/') + 1);
  return m[2] === `${unscoped}-${version}` ? name : undefined;
}

function devIds(entries: Entry[], roots: ProjectRoots, berry: boolean): Set<string> {
  const byDescriptor = new Map<string, string>();
  for (const e of entries) for (const d of e.descriptors) byDescriptor.set(d, e.id);
  const find = (name: string, range: string): string | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? (berry ? byDescriptor.get(`${name}@npm:${range}`) : undefined);
  const edges = new Map<string, string[]>();
  for (const e of entries) {
    const to = Object.entries(e.deps).flatMap(([n, r]) => find(n, r) ?? []);
    edges.set(e.id, to);
  }
  const ids = (deps: Record<string, string>): string[] =>
    Object.entries(deps).flatMap(([n, r]) => find(n, r) ?? []);
  return devOnlyNodes(edges, ids(roots.prod), ids(roots.dev));
}

function record(v: unknown): Record<string, string> {
  return typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
}

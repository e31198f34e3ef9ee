import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';

/**
 * `conan.lock` in both formats. 0.5 (Conan 2): `requires`, `build_requires`, `python_requires` lists
 * of references. 0.4 (Conan 1): `graph_lock.nodes` with a `ref` each (node "0" is the consumer, often
 * without one) and `context: build` for build tools. A reference is
 * `name/version[@user/channel][#recipe_revision[%timestamp]]`. Build requirements are tools (cmake),
 * not linked in: dev.
 */
export function parseConanLock(text: string, path: string): PackageDraft[] {
  let doc: Record<string, unknown>;
  try {
    doc = record(JSON.parse(text));
  } catch (err) {
    throw new ParseError('conan.lock', path, (err as Error).message);
  }
  const refs: { ref: string; dev: boolean }[] = [];
  if (doc['version'] === '0.5') {
    for (const [field, dev] of [
      ['requires', false],
      ['build_requires', true],
      ['python_requires', true],
    ] as const)
      for (const r of strings(doc[field])) refs.push({ ref: r, dev });
  } else if (doc['version'] === '0.4' || 'graph_lock' in doc) {
    for (const node of Object.values(record(record(doc['graph_lock'])['nodes'])).map(record)) {
      if (typeof node['ref'] === 'string') refs.push({ ref: node['ref'], dev: node['context'] === 'build' });
    }
  } else {
    throw new ParseError('conan.lock', path, `unknown lockfile version ${JSON.stringify(doc['version'])}`);
  }
  const out = new Map<string, PackageDraft>();
  for (const { ref, dev } of refs) {
    const m = /^([^/@#\s]+)\/([^@#\s]+)(?:@([^#\s]+))?(?:#([^%\s]+))?/.exec(ref);
    if (!m?.[1] || !m[2]) continue;
    const metadata: Record<string, string> = {};
    if (m[3]) metadata['userChannel'] = m[3];
    if (m[4]) metadata['recipeRevision'] = m[4];
    if (dev) metadata['dev'] = 'true';
    const id = `${m[1]}@${m[2]}`;
    const seen = out.get(id);
    if (seen && !dev && seen.metadata?.['dev']) delete seen.metadata['dev'];
    if (!seen) out.set(id, { name: m[1], version: m[2], ecosystem: 'conan', scope: 'declared', metadata });
  }
  return [...out.values()];
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

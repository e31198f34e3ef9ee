import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';

export interface PackageResolvedResult {
  packages: PackageDraft[];
  /** Pins without a version (a branch or a bare revision): declared, but nothing to match. */
  unpinned: string[];
}

/**
 * Swift Package Manager's `Package.resolved`. v1: `object.pins[]` with `package`, `repositoryURL`,
 * `state.version`; v2 and v3 (v3 adds `originHash`): `pins[]` with `identity`, `kind`, `location`,
 * `state.version`. A package is named by its repository URL as OSV's SwiftURL ecosystem does:
 * `github.com/owner/repo` (no scheme, no `.git`).
 */
export function parsePackageResolved(text: string, path: string): PackageResolvedResult {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new ParseError('Package.resolved', path, (err as Error).message);
  }
  const d = record(doc);
  const format = d['version'];
  const pins = format === 1 ? record(d['object'])['pins'] : d['pins'];
  if (typeof format !== 'number' || !Array.isArray(pins))
    throw new ParseError('Package.resolved', path, 'no version or pins');
  const packages: PackageDraft[] = [];
  const unpinned: string[] = [];
  for (const pin of pins.map(record)) {
    const url = pin['location'] ?? pin['repositoryURL'];
    const state = record(pin['state']);
    if (typeof url !== 'string') continue;
    const name = swiftUrlName(url);
    if (typeof state['version'] !== 'string') {
      unpinned.push(
        `${name}: pinned to ${typeof state['branch'] === 'string' ? `branch ${state['branch']}` : 'a revision'}, no version`,
      );
      continue;
    }
    const metadata: Record<string, string> = { resolvedFormat: String(format) };
    if (typeof state['revision'] === 'string') metadata['revision'] = state['revision'];
    if (typeof pin['kind'] === 'string') metadata['kind'] = pin['kind'];
    packages.push({ name, version: state['version'], ecosystem: 'swift', scope: 'declared', metadata });
  }
  return { packages, unpinned };
}

/** `https://github.com/Alamofire/Alamofire.git` → `github.com/Alamofire/Alamofire`; `git@host:o/r.git` too. */
export function swiftUrlName(url: string): string {
  return url
    .trim()
    .replace(/^[a-z+]+:\/\//i, '')
    .replace(/^[^@/]+@([^:/]+):/, '$1/')
    .replace(/^[^@/]+@/, '')
    .replace(/\/+$/, '')
    .replace(/\.git$/, '');
}

function record(v: unknown): Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}

import type { PackageDraft } from '../../core/package.js';

/**
 * Lockfiles name one name@version at several install paths (or under several ranges); the inventory
 * keeps it once, dev only when every occurrence is dev.
 */
export function collapseDrafts(drafts: readonly PackageDraft[]): PackageDraft[] {
  const byKey = new Map<string, PackageDraft>();
  for (const d of drafts) {
    const key = `${d.name}@${d.version}`;
    const seen = byKey.get(key);
    if (!seen) byKey.set(key, d);
    else if (seen.metadata?.['dev'] === 'true' && d.metadata?.['dev'] !== 'true') {
      const { dev: _dev, ...rest } = seen.metadata;
      seen.metadata = rest;
    }
  }
  return [...byKey.values()];
}

/** dependencies + optionalDependencies (production) and devDependencies names of a package.json. */
export interface ProjectRoots {
  prod: Record<string, string>;
  dev: Record<string, string>;
}

export function projectRoots(packageJson: Buffer | undefined): ProjectRoots | undefined {
  if (!packageJson) return undefined;
  try {
    const json = JSON.parse(packageJson.toString('utf8')) as Record<string, unknown>;
    const rec = (v: unknown): Record<string, string> =>
      typeof v === 'object' && v !== null ? (v as Record<string, string>) : {};
    return {
      prod: { ...rec(json['dependencies']), ...rec(json['optionalDependencies']) },
      dev: rec(json['devDependencies']),
    };
  } catch {
    return undefined;
  }
}

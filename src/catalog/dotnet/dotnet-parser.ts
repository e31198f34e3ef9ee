import type { PackageDraft } from '../../core/package.js';

/**
 * `*.deps.json` (the .NET host's dependency manifest beside an app): `libraries` entries of type
 * `package` are NuGet packages; `project` and `runtimepack` entries are the app's own code and the
 * runtime. Keys are `Name/Version`; NuGet ids contain no `/`, so the last `/` splits them.
 */
export function parseDepsJson(text: string): PackageDraft[] {
  const doc = JSON.parse(text) as {
    libraries?: Record<string, { type?: unknown; sha512?: unknown; path?: unknown }>;
  };
  const out: PackageDraft[] = [];
  for (const [key, lib] of Object.entries(doc.libraries ?? {})) {
    if (lib.type !== 'package') continue;
    const slash = key.lastIndexOf('/');
    if (slash <= 0) continue;
    const metadata: Record<string, string> = {};
    if (typeof lib.sha512 === 'string' && lib.sha512) metadata['sha512'] = lib.sha512;
    if (typeof lib.path === 'string') metadata['path'] = lib.path;
    out.push({
      name: key.slice(0, slash),
      version: key.slice(slash + 1),
      ecosystem: 'nuget',
      scope: 'installed',
      metadata,
    });
  }
  return out;
}

interface LockDependency {
  type?: unknown;
  resolved?: unknown;
}

/**
 * NuGet's `packages.lock.json` (v1 and v2): per target framework (and framework/RID), every resolved
 * package. One package resolved identically for several targets is one entry listing its targets;
 * `Project` entries are sibling projects, not packages.
 */
export function parseNugetLock(text: string): PackageDraft[] {
  const doc = JSON.parse(text) as { dependencies?: Record<string, Record<string, LockDependency>> };
  const byKey = new Map<string, { draft: PackageDraft; targets: string[] }>();
  for (const [target, deps] of Object.entries(doc.dependencies ?? {})) {
    for (const [name, dep] of Object.entries(deps)) {
      if (dep.type === 'Project' || typeof dep.resolved !== 'string') continue;
      const key = `${name.toLowerCase()}@${dep.resolved}`;
      const seen = byKey.get(key);
      if (seen) {
        seen.targets.push(target);
        if (dep.type === 'Direct' && seen.draft.metadata) seen.draft.metadata['direct'] = 'true';
        continue;
      }
      const metadata: Record<string, string> = dep.type === 'Direct' ? { direct: 'true' } : {};
      const draft: PackageDraft = {
        name,
        version: dep.resolved,
        ecosystem: 'nuget',
        scope: 'declared',
        metadata,
      };
      byKey.set(key, { draft, targets: [target] });
    }
  }
  return [...byKey.values()].map(({ draft, targets }) => ({
    ...draft,
    metadata: { ...draft.metadata, targets: targets.join(',') },
  }));
}

import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { appendAll } from '../core/append-all.js';
import { isOsEcosystem } from '../core/ecosystem.js';
import type { OsInfo } from '../core/os-info.js';
import type { OsOwner, Package, PackageDraft } from '../core/package.js';
import type { Unknown } from '../core/unknown.js';
import type { FileRef, Resolver } from '../source/resolver.js';
import type { Cataloger, CatalogerFile, FileOwnership, ParseContext } from './cataloger.js';
import { unknownOf } from './define-cataloger.js';
import { purlFor } from './purl-builder.js';

export interface CatalogResult {
  packages: Package[];
  unknowns: Unknown[];
  catalogers: Record<string, number>;
}

export interface CatalogOptions {
  os?: OsInfo;
  /** Called after each cataloger, for progress bars. */
  onProgress?: (done: number, total: number, cataloger: string) => void;
}

/** Run catalogers over a resolver, then mark language packages whose files an OS package owns. */
export async function runCatalogers(
  resolver: Resolver,
  catalogers: readonly Cataloger[],
  opts: CatalogOptions = {},
): Promise<CatalogResult> {
  const packages: Package[] = [];
  const unknowns: Unknown[] = [];
  const ownership: FileOwnership[] = [];
  const versions: Record<string, number> = {};
  let done = 0;
  resolver.expectGlobs?.(catalogers.map((c) => c.globs));
  const ctx: ParseContext = { ...(opts.os ? { os: opts.os } : {}), shared: new Map() };
  for (const cataloger of catalogers) {
    versions[cataloger.name] = cataloger.version;
    for (const ref of await resolver.findFiles(cataloger.globs)) {
      if (cataloger.accepts && !cataloger.accepts(ref)) continue;
      try {
        const result = await cataloger.parse(catalogerFile(resolver, ref), ctx);
        // One entry that cannot become a package (a purl its fields cannot form) never hides the others.
        for (const draft of result.packages) {
          try {
            packages.push(toPackage(draft, cataloger, ref, opts.os));
          } catch (err) {
            const where = draft.filePath ?? ref.path;
            unknowns.push({ ...unknownOf(where, err), foundBy: cataloger.name });
          }
        }
        appendAll(ownership, result.ownership ?? []);
        for (const u of result.unknowns ?? []) unknowns.push({ ...u, foundBy: cataloger.name });
      } catch (err) {
        // defineCataloger already turns parse failures into unknowns; this guards hand-made catalogers.
        unknowns.push({ ...unknownOf(ref.path, err), foundBy: cataloger.name });
      }
    }
    opts.onProgress?.(++done, catalogers.length, cataloger.name);
  }
  await markOsManaged(resolver, packages, ownership);
  appendAll(unknowns, resolver.unknowns);
  return { packages: dedupe(packages), unknowns, catalogers: versions };
}

function catalogerFile(resolver: Resolver, ref: FileRef): CatalogerFile {
  return {
    path: ref.path,
    size: ref.size,
    mode: ref.mode,
    ...(ref.layerDigest ? { layerDigest: ref.layerDigest } : {}),
    read: (o) => resolver.readFile(ref.path, o),
    open: () => resolver.open(ref.path),
    readSibling: async (path) => {
      const target = path.startsWith('/') ? path : posix.join(posix.dirname(ref.path), path);
      return (await resolver.stat(target)) ? resolver.readFile(target) : undefined;
    },
  };
}

function toPackage(draft: PackageDraft, cataloger: Cataloger, ref: FileRef, os: OsInfo | undefined): Package {
  const { filePath: override, purlNamespace: _ns, purlQualifiers: qualifiers, ...rest } = draft;
  const filePath = override ?? ref.path;
  const identity = [cataloger.name, filePath, draft.ecosystem, draft.name, draft.version, draft.arch ?? ''];
  if (qualifiers) identity.push(...Object.entries(qualifiers).sort().flat());
  const id = createHash('sha256').update(identity.join('\0')).digest('hex').slice(0, 16);
  return {
    ...rest,
    id,
    purl: purlFor(draft, os),
    filePath,
    foundBy: cataloger.name,
    ...(ref.layerDigest ? { layerDigest: ref.layerDigest } : {}),
  };
}

/** The same package found twice by the same cataloger at the same place (status + status.d) is one. */
function dedupe(packages: Package[]): Package[] {
  const seen = new Map<string, Package>();
  for (const p of packages) if (!seen.has(p.id)) seen.set(p.id, p);
  return [...seen.values()];
}

/**
 * Owned paths are written as the package manager installed them (`/lib/...` on a merged-/usr system
 * may really be `/usr/lib/...`), so both sides are compared by real directory. A host's OS packages own
 * a hundred thousand paths and its language packages sit at a few thousand: only owned paths whose
 * file name some language package has are resolved (a real path keeps the file name).
 */
async function markOsManaged(
  resolver: Resolver,
  packages: Package[],
  ownership: FileOwnership[],
): Promise<void> {
  const language = packages.filter((p) => !isOsEcosystem(p.ecosystem));
  if (language.length === 0 || ownership.length === 0) return;
  const realDir = memoRealDir(resolver);
  const paths = language.map((p) => p.filePath.split('!/')[0] as string);
  const names = new Set(paths.map((p) => posix.basename(p)));
  // Path → owner, the last package to list a path winning, in the order paths were first listed.
  const owners = new Map<string, OsOwner>();
  for (const o of ownership) {
    const owner: OsOwner = { ecosystem: o.ecosystem, name: o.name, version: o.version };
    if (o.sourceName) owner.sourceName = o.sourceName;
    if (o.sourceVersion) owner.sourceVersion = o.sourceVersion;
    for (const f of o.files) if (names.has(posix.basename(f))) owners.set(f, owner);
  }
  const byRealPath = new Map<string, OsOwner>();
  for (const [f, owner] of owners)
    byRealPath.set(posix.join(await realDir(posix.dirname(f)), posix.basename(f)), owner);
  for (const [i, p] of language.entries()) {
    const path = paths[i] as string;
    const owner = byRealPath.get(posix.join(await realDir(posix.dirname(path)), posix.basename(path)));
    if (owner) p.osManagedBy = owner;
  }
}

function memoRealDir(resolver: Resolver): (dir: string) => Promise<string> {
  const cache = new Map<string, Promise<string>>();
  return (dir) => {
    let hit = cache.get(dir);
    if (!hit) {
      hit = resolver.realPath(dir).catch(() => dir);
      cache.set(dir, hit);
    }
    return hit;
  };
}

import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { field, nodes, parseXml, type XmlNode } from './msbuild-xml.js';

export interface CsprojResult {
  packages: PackageDraft[];
  /** References whose version cannot be told without a restore (floating, unknown properties, no central version). */
  problems: string[];
}

/**
 * `PackageReference` items of an SDK-style project (`.csproj`, `.fsproj`, `.vbproj`). The version is
 * the item's `Version` (attribute or element) or `VersionOverride`; without one, the central version of
 * `Directory.Packages.props` (`PackageVersion`). NuGet restores the lowest version a range allows, so
 * `1.2.3` and `[1.2.3]` and `[1.2.3, 2.0)` resolve to 1.2.3; floating (`1.*`) and exclusive lower bounds
 * need the feed and are reported instead. `$(Prop)` is read from the project's own PropertyGroups.
 * `PrivateAssets="all"` marks a development-only dependency (analyzers, build tools).
 */
export function parseCsproj(text: string, path: string, central: Map<string, string>): CsprojResult {
  const project = projectOf(text, path, 'project file');
  const props = properties(project);
  const packages: PackageDraft[] = [];
  const problems: string[] = [];
  for (const item of nodes(project, 'ItemGroup').flatMap((g) => nodes(g, 'PackageReference'))) {
    const name = field(item, 'Include');
    if (!name) continue; // `Update` items change a reference made elsewhere
    const written =
      field(item, 'VersionOverride') ?? field(item, 'Version') ?? central.get(name.toLowerCase());
    if (written === undefined) {
      problems.push(`${name}: no Version and no central PackageVersion`);
      continue;
    }
    const version = lowestVersion(expand(written, props));
    if (!version) {
      problems.push(`${name}: version ${written} is resolved only by a restore`);
      continue;
    }
    const metadata: Record<string, string> = { requested: written };
    if (field(item, 'PrivateAssets')?.toLowerCase() === 'all') metadata['dev'] = 'true';
    packages.push({ name, version, ecosystem: 'nuget', scope: 'declared', metadata });
  }
  return { packages, problems };
}

/** `PackageVersion` items of a `Directory.Packages.props`, by lowercased id. */
export function parseCentralVersions(text: string, path: string): Map<string, string> {
  const project = projectOf(text, path, 'Directory.Packages.props');
  const props = properties(project);
  const out = new Map<string, string>();
  for (const item of nodes(project, 'ItemGroup').flatMap((g) => nodes(g, 'PackageVersion'))) {
    const name = field(item, 'Include');
    const version = field(item, 'Version');
    if (name && version) out.set(name.toLowerCase(), expand(version, props));
  }
  return out;
}

function projectOf(text: string, path: string, what: string): XmlNode {
  let doc: XmlNode;
  try {
    doc = parseXml(text);
  } catch (err) {
    throw new ParseError(what, path, (err as Error).message);
  }
  const project = doc['Project'];
  if (typeof project !== 'object' || project === null)
    throw new ParseError(what, path, 'no <Project> element');
  return project as XmlNode;
}

function properties(project: XmlNode): Map<string, string> {
  const out = new Map<string, string>();
  for (const g of nodes(project, 'PropertyGroup'))
    for (const [k, v] of Object.entries(g)) if (typeof v === 'string') out.set(k.toLowerCase(), v.trim());
  return out;
}

function expand(value: string, props: Map<string, string>): string {
  return value.replace(/\$\(([\w.]+)\)/g, (whole, name: string) => props.get(name.toLowerCase()) ?? whole);
}

/** The version NuGet restores when the feed has it: the inclusive lower bound; undefined when unknown. */
export function lowestVersion(range: string): string | undefined {
  const r = range.trim();
  const plain = /^\d+(\.\d+){0,3}(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$/;
  if (plain.test(r)) return r;
  const m = /^\[\s*([^,\]\s]+)\s*(?:\]|,)/.exec(r);
  return m?.[1] && plain.test(m[1]) ? m[1] : undefined;
}

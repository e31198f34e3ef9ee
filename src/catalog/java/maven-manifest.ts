import { posix } from 'node:path';
import type { PackageDraft } from '../../core/package.js';

export const NESTED_ARCHIVE = /\.(?:jar|war|ear|jpi|hpi)$/i;

export interface ManifestPackage {
  draft: PackageDraft;
  /** No groupId anywhere: the package has no Maven namespace, which the caller reports. */
  noGroup: boolean;
}

/**
 * A package from `MANIFEST.MF` when the archive has no Maven metadata. Names are guesses here, so
 * the package says `metadata.source = MANIFEST.MF`. groupId, in order: Jenkins' `Group-Id`,
 * `Implementation-Vendor-Id`, the OSGi symbolic name, then an sbt-style file name
 * (`com.example.lib-1.0.jar`). artifactId: Jenkins' `Short-Name`, the file name (less a known group
 * prefix), `Implementation-Title`, the symbolic name. Version: the manifest's, then the file name's.
 */
export function manifestPackage(m: Map<string, string>, archivePath: string): ManifestPackage | undefined {
  const file = fileNameParts(archivePath);
  const version =
    m.get('Implementation-Version') ??
    m.get('Bundle-Version') ??
    m.get('Plugin-Version') ??
    m.get('Specification-Version') ??
    file.version;
  const symbolic = m.get('Bundle-SymbolicName')?.split(';')[0]?.trim();
  let group = m.get('Group-Id') ?? m.get('Implementation-Vendor-Id');
  let fromFile = file.artifact;
  if (group && fromFile.startsWith(`${group}.`)) fromFile = fromFile.slice(group.length + 1);
  let artifact = m.get('Short-Name') || fromFile || m.get('Implementation-Title') || symbolic;
  if (!version || !artifact) return undefined;
  const meta: Record<string, string> = { source: 'MANIFEST.MF' };
  group ??= groupFromSymbolicName(symbolic, artifact);
  if (!group && artifact === fromFile && artifact.includes('.')) {
    // sbt's managed jars are named `group.artifact-version.jar`; the artifact starts at the first
    // segment with a `-` or `_` (`io.circe.circe-core_2.13`), else it is the last segment.
    const segments = artifact.split('.');
    const i = segments.findIndex((x) => /[-_]/.test(x));
    const at = i > 0 ? i : i < 0 ? segments.length - 1 : 0;
    if (at > 0) {
      group = segments.slice(0, at).join('.');
      artifact = segments.slice(at).join('.');
      meta['groupSource'] = 'file name';
    }
  }
  for (const k of ['Implementation-Title', 'Implementation-Vendor', 'Bundle-SymbolicName', 'Main-Class']) {
    const v = m.get(k);
    if (v) meta[k] = v;
  }
  const draft: PackageDraft = {
    name: group ? `${group}:${artifact}` : artifact,
    version,
    ecosystem: 'maven',
    scope: 'installed',
    metadata: meta,
  };
  return { draft, noGroup: !group };
}

/** `org.apache.commons.lang3` with artifact `commons-lang3` → group `org.apache.commons`. */
function groupFromSymbolicName(symbolic: string | undefined, artifact: string): string | undefined {
  if (!symbolic?.includes('.')) return undefined;
  const last = symbolic.slice(symbolic.lastIndexOf('.') + 1);
  return artifact.replace(/-/g, '').endsWith(last) ? symbolic.slice(0, symbolic.lastIndexOf('.')) : symbolic;
}

/** `commons-lang-2.6.jar` → artifact `commons-lang`, version `2.6`. */
function fileNameParts(archivePath: string): { artifact: string; version?: string } {
  const inner = archivePath.slice(archivePath.lastIndexOf('!/') + 1);
  const base = posix.basename(inner).replace(NESTED_ARCHIVE, '');
  const m = /^(.+?)-(\d[\w.+-]*)$/.exec(base);
  return m?.[1] && m[2] ? { artifact: m[1], version: m[2] } : { artifact: base };
}

import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { field, nodes, parseXml } from './msbuild-xml.js';

/**
 * `packages.config` (NuGet before PackageReference): `<package id version targetFramework
 * developmentDependency/>` per installed package; the versions are exact.
 */
export function parsePackagesConfig(text: string, path: string): PackageDraft[] {
  let doc;
  try {
    doc = parseXml(text);
  } catch (err) {
    throw new ParseError('packages.config', path, (err as Error).message);
  }
  if (typeof doc['packages'] !== 'object' && doc['packages'] !== '')
    throw new ParseError('packages.config', path, 'no <packages> element');
  const out: PackageDraft[] = [];
  for (const p of nodes(doc['packages'], 'package')) {
    const id = field(p, 'id');
    const version = field(p, 'version');
    if (!id || !version) continue;
    const metadata: Record<string, string> = {};
    const tf = field(p, 'targetFramework');
    if (tf) metadata['targetFramework'] = tf;
    if (field(p, 'developmentDependency') === 'true') metadata['dev'] = 'true';
    out.push({ name: id, version, ecosystem: 'nuget', scope: 'declared', metadata });
  }
  return out;
}

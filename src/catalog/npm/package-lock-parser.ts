import { appendAll } from '../../core/append-all.js';
import { ParseError } from '../../core/errors/parse-error.js';
import type { PackageDraft } from '../../core/package.js';
import { nameFromNodeModulesPath } from './npm-name.js';
import { isRecord } from './package-json-parser.js';

/**
 * package-lock.json / npm-shrinkwrap.json, lockfile versions 1–3. v2 and v3 carry the flat `packages`
 * map keyed by install path, which is read when present; v1 only has the nested `dependencies` tree.
 * Links (workspaces, `file:` deps) and the project itself are not dependencies and are left out.
 */
export function parsePackageLock(text: string, path: string): PackageDraft[] {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (err) {
    throw new ParseError('package-lock', path, (err as Error).message);
  }
  if (!isRecord(json)) throw new ParseError('package-lock', path, 'not a JSON object');
  if (isRecord(json['packages'])) return fromPackages(json['packages']);
  if (isRecord(json['dependencies'])) return fromDependencies(json['dependencies']);
  return [];
}

function fromPackages(packages: Record<string, unknown>): PackageDraft[] {
  const out: PackageDraft[] = [];
  for (const [key, entry] of Object.entries(packages)) {
    if (!isRecord(entry) || entry['link'] === true) continue;
    const name = typeof entry['name'] === 'string' ? entry['name'] : nameFromNodeModulesPath(key);
    const version = entry['version'];
    if (!name || typeof version !== 'string' || !key.includes('node_modules/')) continue;
    out.push(draft(name, version, entry, key));
  }
  return out;
}

/**
 * v1: `dependencies` nest as node_modules did; the install path is rebuilt for provenance. A package
 * nested under a dev package is dev too, flag or not: only its parent's subtree can require it.
 */
function fromDependencies(deps: Record<string, unknown>, parent = '', devParent = false): PackageDraft[] {
  const out: PackageDraft[] = [];
  for (const [key, entry] of Object.entries(deps)) {
    if (!isRecord(entry) || typeof entry['version'] !== 'string') continue;
    const installPath = `${parent}node_modules/${key}`;
    const version = entry['version'];
    // An aliased dependency (`"foo": "npm:bar@1.0.0"`) records its real name in the version.
    const alias = /^npm:((?:@[^/@]+\/)?[^@]+)@(.+)$/.exec(version);
    // `file:`/`git+…` versions are not registry versions; v1 has nothing better to offer for them.
    if (!alias && /^(file|link):/.test(version)) continue;
    const dev = devParent || entry['dev'] === true;
    out.push(draft(alias?.[1] ?? key, alias?.[2] ?? version, dev ? { ...entry, dev } : entry, installPath));
    if (isRecord(entry['dependencies']))
      appendAll(out, fromDependencies(entry['dependencies'], `${installPath}/`, dev));
  }
  return out;
}

function draft(
  name: string,
  version: string,
  entry: Record<string, unknown>,
  installPath: string,
): PackageDraft {
  const metadata: Record<string, string> = { path: installPath };
  if (entry['dev'] === true) metadata['dev'] = 'true';
  if (entry['optional'] === true) metadata['optional'] = 'true';
  if (entry['devOptional'] === true) metadata['devOptional'] = 'true';
  if (typeof entry['resolved'] === 'string') metadata['resolved'] = entry['resolved'];
  return { name, version, ecosystem: 'npm', scope: 'declared', metadata };
}

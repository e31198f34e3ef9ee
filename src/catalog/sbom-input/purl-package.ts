import { createHash } from 'node:crypto';
import { PackageURL } from 'packageurl-js';
import { normalizePythonName } from '../../core/pep503-name.js';
import { releaseKey } from '../os/os-release-key.js';
import { LANGUAGE_ECOSYSTEMS, OS_ECOSYSTEMS, type Ecosystem } from '../../core/ecosystem.js';
import type { OsInfo } from '../../core/os-info.js';
import type { Package } from '../../core/package.js';

const SUPPORTED = new Set<string>([...OS_ECOSYSTEMS, ...LANGUAGE_ECOSYSTEMS]);

export type PurlResult =
  | { ok: true; pkg: Package; os?: OsInfo }
  | { ok: false; reason: 'unsupported' | 'parse-error'; detail: string };

/** True when the purl's type is one vigil matches (used by readers and tests alike). */
export function isSupportedPurlType(type: string): boolean {
  return SUPPORTED.has(type);
}

/**
 * One purl from an SBOM → a declared package named the way vigil's own catalogers name it (maven
 * `group:artifact`, npm/composer/golang `namespace/name`, PyPI PEP 503). `os` is the distro the purl's
 * `distro` qualifier names, for the caller to use when the SBOM's metadata names none.
 */
export function packageFromPurl(purl: string, filePath: string, foundBy: string): PurlResult {
  let p: PackageURL;
  try {
    p = PackageURL.fromString(purl);
  } catch (err) {
    return { ok: false, reason: 'parse-error', detail: `${purl}: ${(err as Error).message}` };
  }
  if (!isSupportedPurlType(p.type)) return { ok: false, reason: 'unsupported', detail: purl };
  if (!p.version) return { ok: false, reason: 'parse-error', detail: `${purl}: no version` };
  const ecosystem = p.type as Ecosystem;
  const q = p.qualifiers ?? {};
  const name = nameOf(ecosystem, p.namespace ?? undefined, p.name);
  let version = p.version;
  const pkg: Package = {
    id: '',
    name,
    version,
    ecosystem,
    purl,
    filePath,
    foundBy,
    scope: 'declared',
  };
  if (ecosystem === 'rpm' && q['epoch'] && q['epoch'] !== '0') {
    version = `${q['epoch']}:${version}`;
    pkg.version = version;
    pkg.epoch = Number(q['epoch']);
  }
  if (q['arch']) pkg.arch = q['arch'];
  if ((ecosystem === 'deb' || ecosystem === 'rpm' || ecosystem === 'apk') && q['upstream']) {
    const [src, srcVersion] = splitAt(q['upstream']);
    pkg.sourceName = src;
    if (srcVersion) pkg.sourceVersion = srcVersion;
  }
  pkg.id = createHash('sha256')
    .update(`${foundBy}\0${filePath}\0${ecosystem}\0${name}\0${version}`)
    .digest('hex')
    .slice(0, 16);
  const os = q['distro'] ? osOfDistro(q['distro'], p.namespace ?? undefined) : undefined;
  return os ? { ok: true, pkg, os } : { ok: true, pkg };
}

function nameOf(eco: Ecosystem, ns: string | undefined, name: string): string {
  switch (eco) {
    case 'maven':
      return ns ? `${ns}:${name}` : name;
    case 'npm':
    case 'composer':
    case 'golang':
    case 'swift':
      return ns ? `${ns}/${name}` : name;
    case 'pypi':
      return normalizePythonName(name);
    default:
      return name;
  }
}

function splitAt(s: string): [string, string | undefined] {
  const i = s.indexOf('@');
  return i > 0 ? [s.slice(0, i), s.slice(i + 1)] : [s, undefined];
}

/** `distro=debian-12`, `distro=alpine-3.19.1`, `distro=bookworm` (namespace debian) → OsInfo. */
export function osOfDistro(distro: string, namespace: string | undefined): OsInfo | undefined {
  const m = /^([a-z][a-z0-9._]*?)-(\d[\w.]*)$/i.exec(distro);
  const facts = m
    ? { id: (m[1] as string).toLowerCase(), versionId: m[2] as string }
    : namespace
      ? { id: namespace.toLowerCase(), codename: distro.toLowerCase() }
      : undefined;
  if (!facts) return undefined;
  return sbomOs(facts, 'purl distro qualifier');
}

export function sbomOs(
  facts: { id: string; versionId?: string; codename?: string; prettyName?: string },
  source: string,
): OsInfo {
  const release = releaseKey(facts);
  return { ...facts, idLike: [], ...(release ? { release } : {}), sources: [source] };
}

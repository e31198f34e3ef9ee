import { PackageURL } from 'packageurl-js';
import type { OsInfo } from '../core/os-info.js';
import type { PackageDraft } from '../core/package.js';

/**
 * purls follow the purl spec's type rules (packageurl-js does the encoding); OS packages carry the
 * distro qualifier so a purl alone says which distro data applies (as syft and Trivy write them).
 */
export function purlFor(draft: PackageDraft, os?: OsInfo): string {
  const q: Record<string, string> = { ...draft.purlQualifiers };
  if (draft.arch) q['arch'] = draft.arch;
  let namespace: string | undefined = draft.purlNamespace;
  let name = draft.name;
  let version = draft.version;
  switch (draft.ecosystem) {
    case 'deb':
    case 'apk':
    case 'rpm': {
      namespace ??=
        os?.id ?? (draft.ecosystem === 'apk' ? 'alpine' : draft.ecosystem === 'deb' ? 'debian' : undefined);
      if (os?.id) q['distro'] = os.versionId ? `${os.id}-${os.versionId}` : os.id;
      if (draft.ecosystem === 'rpm') {
        // rpm purl: version-release in the version, epoch as a qualifier.
        version = stripEpoch(draft.version);
        if (draft.epoch !== undefined && draft.epoch > 0) q['epoch'] = String(draft.epoch);
      }
      if (draft.sourceName && draft.sourceName !== draft.name) {
        q['upstream'] = draft.sourceVersion ? `${draft.sourceName}@${draft.sourceVersion}` : draft.sourceName;
      }
      break;
    }
    case 'npm':
    case 'composer':
    case 'golang':
    case 'swift':
      [namespace, name] = splitLast(draft.name, '/', namespace);
      break;
    case 'maven':
      [namespace, name] = splitLast(draft.name, ':', namespace);
      // A maven purl needs the groupId; without one (a jar whose group nothing names) the honest
      // purl is a generic one, and the parser reports the missing group as an unknown.
      if (!namespace)
        return new PackageURL('generic', undefined, name, version, undefined, undefined).toString();
      break;
    default:
      break;
  }
  return new PackageURL(
    draft.ecosystem,
    namespace,
    name,
    version,
    Object.keys(q).length ? q : undefined,
    undefined,
  ).toString();
}

function splitLast(full: string, sep: string, fallbackNs: string | undefined): [string | undefined, string] {
  const i = full.lastIndexOf(sep);
  if (i <= 0) return [fallbackNs, full];
  return [full.slice(0, i), full.slice(i + 1)];
}

function stripEpoch(v: string): string {
  const i = v.indexOf(':');
  return i >= 0 && /^\d+$/.test(v.slice(0, i)) ? v.slice(i + 1) : v;
}

import { debianReleaseOfCodename } from '../../core/debian-releases.js';
import type { OsInfo } from '../../core/os-info.js';
import type { Package } from '../../core/package.js';
import { versionPrefix, type DistroDriver } from './distro-driver.js';

/**
 * The Debian release a host's data lives under. Testing and sid carry no VERSION_ID, only the codename
 * of the next release; osv.dev files the testing suite under that release's number (trixie was
 * `Debian:13` while it was testing), so the codename decides. sid shares testing's codename in
 * os-release and is matched as that release too: the closest data there is, stated in the README.
 */
export function debianRelease(os: OsInfo): string | undefined {
  if (os.release) return os.release;
  const fromId = versionPrefix(os.versionId, 1);
  if (fromId) return fromId;
  return os.codename ? debianReleaseOfCodename(os.codename) : undefined;
}

/** The tracker's fixed versions are source versions: a binNMU (`+b1`) must not hide or fake a fix. */
function sourceVersionOf(pkg: Package): string {
  return pkg.sourceVersion ?? pkg.version;
}

function sourceNames(pkg: Package): string[] {
  return [pkg.sourceName ?? pkg.name];
}

export const debianDistro: DistroDriver = {
  name: 'debian',
  packageEcosystem: 'deb',
  scheme: 'deb',
  // Debian publishes urgencies, not CVSS: the CVSS in osv.dev's Debian records is NVD's, not a vendor's.
  vendorSources: [],
  // Derivatives (ID_LIKE=debian) are not Debian: their versions differ, so Debian's data would lie.
  claims: (os) => os.id === 'debian',
  ecosystems: (os) => {
    const r = debianRelease(os);
    return r ? [`Debian:${r}`] : undefined;
  },
  lookupNames: sourceNames,
  comparedVersion: sourceVersionOf,
};

/** Ubuntu's OSV data is keyed like Debian's (source packages, dpkg versions); LTS releases carry `:LTS`. */
export const ubuntuDistro: DistroDriver = {
  name: 'ubuntu',
  packageEcosystem: 'deb',
  scheme: 'deb',
  vendorSources: ['ubuntu'],
  claims: (os) => os.id === 'ubuntu',
  ecosystems: (os) => {
    const r = os.release ?? versionPrefix(os.versionId, 2);
    return r ? [`Ubuntu:${r}`, `Ubuntu:${r}:LTS`] : undefined;
  },
  lookupNames: sourceNames,
  comparedVersion: sourceVersionOf,
};

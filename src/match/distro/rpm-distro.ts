import type { OsInfo } from '../../core/os-info.js';
import { versionPrefix, type DistroDriver } from './distro-driver.js';

/**
 * RPM distributions whose advisories osv.dev publishes, by os-release ID: the OSV ecosystem name and
 * how much of VERSION_ID names the release stream.
 */
const RPM_FAMILIES: Readonly<Record<string, { ecosystem: string; parts: number; vendor: string }>> = {
  rhel: { ecosystem: 'Red Hat', parts: 1, vendor: 'redhat' },
  rocky: { ecosystem: 'Rocky Linux', parts: 1, vendor: 'rocky' },
  almalinux: { ecosystem: 'AlmaLinux', parts: 1, vendor: 'almalinux' },
  mariner: { ecosystem: 'Mariner', parts: 2, vendor: 'mariner' },
  azurelinux: { ecosystem: 'Azure Linux', parts: 2, vendor: 'azurelinux' },
  opensuse: { ecosystem: 'openSUSE', parts: 2, vendor: 'suse' },
};

function family(os: OsInfo): (typeof RPM_FAMILIES)[string] | undefined {
  return RPM_FAMILIES[os.id];
}

/**
 * RPM advisories name binary packages (Red Hat, Alma, Rocky) or source packages (Mariner); both
 * names are looked up, and a record that names either matches the installed version-release.
 */
export const rpmDistro: DistroDriver = {
  name: 'rpm',
  packageEcosystem: 'rpm',
  scheme: 'rpm',
  vendorSources: ['redhat', 'red hat', 'rocky', 'almalinux', 'mariner', 'suse'],
  claims: (os) => family(os) !== undefined,
  ecosystems: (os) => {
    const f = family(os);
    const r = os.release ?? versionPrefix(os.versionId, f?.parts ?? 1);
    return f && r ? [`${f.ecosystem}:${r}`] : undefined;
  },
  lookupNames: (pkg) => [...new Set([pkg.name, ...(pkg.sourceName ? [pkg.sourceName] : [])])],
  comparedVersion: (pkg) => pkg.version,
};

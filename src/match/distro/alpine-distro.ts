import { versionPrefix, type DistroDriver } from './distro-driver.js';

/** Alpine secdb and osv.dev key Alpine by `v<major>.<minor>` and by origin (source) package. */
export const alpineDistro: DistroDriver = {
  name: 'alpine',
  packageEcosystem: 'apk',
  scheme: 'apk',
  vendorSources: ['alpine'],
  claims: (os) => os.id === 'alpine',
  ecosystems: (os) => {
    if (os.release) return [`Alpine:${os.release.startsWith('v') ? os.release : `v${os.release}`}`];
    const r = versionPrefix(os.versionId, 2);
    return r ? [`Alpine:v${r}`] : undefined;
  },
  lookupNames: (pkg) => [pkg.sourceName ?? pkg.name],
  comparedVersion: (pkg) => pkg.version,
};

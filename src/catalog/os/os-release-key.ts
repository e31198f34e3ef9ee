/**
 * The release key OS matching uses: the part of a version that names a distribution release in its
 * vendor's security data (Debian "12", Alpine "v3.19", RHEL-likes "8", Ubuntu "22.04").
 */
import { debianReleaseOfCodename } from '../../core/debian-releases.js';

const MAJOR_ONLY = new Set(['rhel', 'centos', 'rocky', 'almalinux', 'ol', 'fedora']);

export interface ReleaseFacts {
  id: string;
  versionId?: string;
  codename?: string;
  prettyName?: string;
}

export function releaseKey(os: ReleaseFacts): string | undefined {
  const v = os.versionId;
  switch (os.id) {
    case 'debian':
      if (v) return major(v);
      // testing/sid: no VERSION_ID; the codename names the next release (sid stays "sid").
      return os.codename ? (debianReleaseOfCodename(os.codename) ?? os.codename) : undefined;
    case 'alpine': {
      if (!v) return undefined;
      if (/_(alpha|beta|rc)/.test(v) || /\bedge\b/i.test(os.prettyName ?? '')) return 'edge';
      const m = /^(\d+)\.(\d+)/.exec(v);
      return m ? `v${m[1]}.${m[2]}` : undefined;
    }
    default:
      if (!v) return undefined;
      return MAJOR_ONLY.has(os.id) ? major(v) : v;
  }
}

function major(v: string): string {
  return v.split('.')[0] ?? v;
}

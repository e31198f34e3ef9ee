import type { OsInfo } from '../../core/os-info.js';
import type { Package } from '../../core/package.js';
import type { Unknown } from '../../core/unknown.js';
import { packageFromPurl } from './purl-package.js';

/** What a reader found in one SBOM: packages, unknowns, the OS its metadata names, else the purls' distro. */
export interface SbomContents {
  packages: Package[];
  unknowns: Unknown[];
  os?: OsInfo;
  distroOs?: OsInfo;
}

/** Adds one purl's package (or unknown); duplicates of a purl already seen are dropped. */
export function collectPurl(
  out: SbomContents,
  seen: Set<string>,
  purl: string,
  path: string,
  foundBy: string,
): void {
  if (seen.has(purl)) return;
  seen.add(purl);
  const r = packageFromPurl(purl, path, foundBy);
  if (!r.ok) {
    out.unknowns.push({ path, reason: r.reason, detail: r.detail, foundBy });
    return;
  }
  out.packages.push(r.pkg);
  if (r.os && !out.distroOs) out.distroOs = r.os;
}

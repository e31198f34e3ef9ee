import { execFileSync } from 'node:child_process';
import type { Finding } from '../../../src/findings/finding-types.js';
import { countBy, packageOf } from './api-helpers.js';

export type VulnerablePackageOf = NonNullable<
  Finding['packageVulnerabilityDetails']
>['vulnerablePackages'][number];
export function vulnerablePackages(f: Finding): VulnerablePackageOf[] {
  return f.packageVulnerabilityDetails?.vulnerablePackages ?? [];
}

export function statusById(fs: readonly Finding[]): Map<string, string> {
  return new Map(fs.map((f) => [f.id, f.status]));
}

/** A package with findings in both accounts (so the rule's account scope shows) but not all of M1's. */
export function suppressionTarget(m1: readonly Finding[], m2: readonly Finding[]): string {
  const inM2 = new Set(m2.map(packageOf));
  const counts = [...countBy(m1, packageOf)].filter(([p, n]) => p && n < m1.length);
  const shared = counts.filter(([p]) => inM2.has(p));
  const pick = (shared.length ? shared : counts).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  if (!pick) throw new Error('no package to suppress among member 1 findings');
  return pick[0];
}

/** A Debian finding with a fixed version and no epoch: the package an admin would upgrade. */
export function upgradeTarget(fs: readonly Finding[]): {
  finding: Finding;
  sourceName: string;
  fixed: string;
} {
  for (const f of [...fs].sort((a, b) => a.id.localeCompare(b.id))) {
    const pkgs = vulnerablePackages(f);
    const first = pkgs[0];
    if (!first || first.packageManager !== 'DEB' || f.fixAvailable !== 'YES') continue;
    const sourceName = first.sourceName ?? first.name;
    const fixed = first.fixedInVersion;
    if (fixed.includes(':') || pkgs.some((p) => p.version.includes(':') || p.fixedInVersion !== fixed))
      continue;
    if (pkgs.some((p) => (p.sourceName ?? p.name) !== sourceName)) continue;
    return { finding: f, sourceName, fixed };
  }
  throw new Error('no fixable Debian finding on the bullseye host');
}

export function dpkgGe(a: string, b: string): boolean {
  try {
    execFileSync('dpkg', ['--compare-versions', a, 'ge', b]);
    return true;
  } catch {
    return false;
  }
}

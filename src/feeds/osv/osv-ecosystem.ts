import { normalizePythonName } from '../../core/pep503-name.js';

/**
 * OSV ecosystem names vigil stores (DESIGN: one key for every feed). The base name is the part before
 * the first `:`; releases follow (`Debian:12`, `Alpine:v3.19`, `Ubuntu:22.04:LTS`, `Red Hat:…`).
 * Anything else is skipped and counted: a row under a name no matcher asks for is dead weight.
 */
const KNOWN_BASES: ReadonlySet<string> = new Set([
  'AlmaLinux',
  'Alpine',
  'Azure Linux',
  'Bitnami',
  'Chainguard',
  'ConanCenter',
  'CRAN',
  'crates.io',
  'Debian',
  'GitHub Actions',
  'Go',
  'Hackage',
  'Hex',
  'Linux',
  'Mageia',
  'Maven',
  'MinimOS',
  'npm',
  'NuGet',
  'openEuler',
  'openSUSE',
  'Packagist',
  'Photon OS',
  'Pub',
  'PyPI',
  'Red Hat',
  'Rocky Linux',
  'RubyGems',
  'SUSE',
  'SwiftURL',
  'Ubuntu',
  'Wolfi',
]);

/** Normalized ecosystem, or undefined when vigil does not know it. */
export function normalizeEcosystem(raw: string): string | undefined {
  const trimmed = raw.trim();
  const colon = trimmed.indexOf(':');
  const base = colon < 0 ? trimmed : trimmed.slice(0, colon);
  if (!KNOWN_BASES.has(base)) return undefined;
  if (colon < 0) return base;
  let release = trimmed.slice(colon + 1);
  // Alpine releases are `v3.19` in OSV; some producers drop the `v`.
  if (base === 'Alpine' && /^\d/.test(release)) release = `v${release}`;
  return `${base}:${release}`;
}

/**
 * Package name as stored: PyPI per PEP 503 (lowercase, runs of `-_.` → `-`); every other ecosystem
 * as published (npm and crates are already canonical; Maven is `group:artifact`; distros use the
 * source package). Matchers normalize inventory names with this same function.
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  if (ecosystem === 'PyPI') return normalizePythonName(name);
  return name.trim();
}

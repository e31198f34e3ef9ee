import type { LanguageEcosystem } from '../core/ecosystem.js';
import type { VersionSchemeName } from '../version/version-scheme.js';

export interface LanguageEcosystemInfo {
  /** OSV's name for the ecosystem. */
  osv: string;
  scheme: VersionSchemeName;
  /** The name as the advisories store it. */
  normalize(name: string): string;
}

/** PEP 503: runs of `-`, `_` and `.` are one `-`, case-insensitive. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

const asIs = (name: string): string => name;

/** purl type → OSV ecosystem, comparator and name rule (the DB stores names as published, PyPI per PEP 503). */
export const LANGUAGE_ECOSYSTEMS: Readonly<Record<LanguageEcosystem, LanguageEcosystemInfo>> = {
  npm: { osv: 'npm', scheme: 'semver', normalize: asIs },
  pypi: { osv: 'PyPI', scheme: 'pep440', normalize: normalizePypiName },
  maven: { osv: 'Maven', scheme: 'maven', normalize: asIs },
  golang: { osv: 'Go', scheme: 'go', normalize: asIs },
  cargo: { osv: 'crates.io', scheme: 'semver', normalize: asIs },
  gem: { osv: 'RubyGems', scheme: 'gem', normalize: asIs },
  composer: { osv: 'Packagist', scheme: 'composer', normalize: asIs },
  nuget: { osv: 'NuGet', scheme: 'nuget', normalize: asIs },
};

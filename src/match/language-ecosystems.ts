import type { LanguageEcosystem } from '../core/ecosystem.js';
import { normalizePythonName } from '../core/pep503-name.js';
import { SCHEME_FOR_ECOSYSTEM } from '../version/version-registry.js';
import type { VersionSchemeName } from '../version/version-scheme.js';

export interface LanguageEcosystemInfo {
  /** OSV's name for the ecosystem; undefined where OSV has none (CocoaPods): inventoried, not matched. */
  osv: string | undefined;
  /** The ecosystem's version ordering: read from the version registry, the one ecosystem → scheme map. */
  scheme: VersionSchemeName;
  /** The name as the advisories store it. */
  normalize(name: string): string;
}

const asIs = (name: string): string => name;

/** purl type → OSV ecosystem and name rule (the DB stores names as published, PyPI per PEP 503). */
const OSV_NAMES: Readonly<Record<LanguageEcosystem, Omit<LanguageEcosystemInfo, 'scheme'>>> = {
  npm: { osv: 'npm', normalize: asIs },
  pypi: { osv: 'PyPI', normalize: normalizePythonName },
  maven: { osv: 'Maven', normalize: asIs },
  golang: { osv: 'Go', normalize: asIs },
  cargo: { osv: 'crates.io', normalize: asIs },
  gem: { osv: 'RubyGems', normalize: asIs },
  composer: { osv: 'Packagist', normalize: asIs },
  nuget: { osv: 'NuGet', normalize: asIs },
  pub: { osv: 'Pub', normalize: asIs },
  hex: { osv: 'Hex', normalize: asIs },
  // SwiftURL names a package by its repository URL without scheme and `.git`: github.com/owner/repo.
  swift: { osv: 'SwiftURL', normalize: asIs },
  cocoapods: { osv: undefined, normalize: asIs },
  conan: { osv: 'ConanCenter', normalize: asIs },
};

/** purl type → OSV ecosystem, comparator and name rule. */
export const LANGUAGE_ECOSYSTEMS: Readonly<Record<LanguageEcosystem, LanguageEcosystemInfo>> =
  Object.fromEntries(
    Object.entries(OSV_NAMES).map(([eco, info]) => [
      eco,
      { ...info, scheme: SCHEME_FOR_ECOSYSTEM[eco as LanguageEcosystem] },
    ]),
  ) as Record<LanguageEcosystem, LanguageEcosystemInfo>;

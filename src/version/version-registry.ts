import type { Ecosystem } from '../core/ecosystem.js';
import { apkVersionScheme } from './apk/apk-version.js';
import { composerVersionScheme } from './composer/composer-version.js';
import { debVersionScheme } from './deb/deb-version.js';
import { gemVersionScheme } from './gem/gem-version.js';
import { goVersionScheme } from './go/go-version.js';
import { mavenVersionScheme } from './maven/maven-version.js';
import { nugetVersionScheme } from './nuget/nuget-version.js';
import { pep440VersionScheme } from './pep440/pep440-version.js';
import { rpmVersionScheme } from './rpm/rpm-version.js';
import { semverVersionScheme } from './semver/semver-version.js';
import type { VersionScheme, VersionSchemeName } from './version-scheme.js';

/** Every version scheme vigil knows, explicitly listed (no side-effect registration). */
export const VERSION_SCHEMES: readonly VersionScheme[] = [
  debVersionScheme,
  rpmVersionScheme,
  apkVersionScheme,
  semverVersionScheme,
  pep440VersionScheme,
  mavenVersionScheme,
  goVersionScheme,
  gemVersionScheme,
  nugetVersionScheme,
  composerVersionScheme,
];

const BY_NAME: Readonly<Record<VersionSchemeName, VersionScheme>> = {
  deb: debVersionScheme,
  rpm: rpmVersionScheme,
  apk: apkVersionScheme,
  semver: semverVersionScheme,
  pep440: pep440VersionScheme,
  maven: mavenVersionScheme,
  go: goVersionScheme,
  gem: gemVersionScheme,
  nuget: nugetVersionScheme,
  composer: composerVersionScheme,
};

/**
 * Which ordering each ecosystem's versions follow: the one ecosystem → scheme map (matching reads it
 * too). crates.io, Pub, Hex (Elixir's Version) and Swift Package Manager follow SemVer like npm;
 * CocoaPods and Conan versions are mostly SemVer, and one that is not (openssl `1.1.1t`) is noted as
 * invalid and not matched rather than ordered by a guess.
 */
export const SCHEME_FOR_ECOSYSTEM: Readonly<Record<Ecosystem, VersionSchemeName>> = {
  deb: 'deb',
  rpm: 'rpm',
  apk: 'apk',
  npm: 'semver',
  cargo: 'semver',
  pypi: 'pep440',
  maven: 'maven',
  golang: 'go',
  gem: 'gem',
  nuget: 'nuget',
  composer: 'composer',
  pub: 'semver',
  hex: 'semver',
  swift: 'semver',
  cocoapods: 'semver',
  conan: 'semver',
};

export function schemeByName(name: VersionSchemeName): VersionScheme {
  return BY_NAME[name];
}

export function schemeForEcosystem(ecosystem: Ecosystem): VersionScheme {
  return BY_NAME[SCHEME_FOR_ECOSYSTEM[ecosystem]];
}

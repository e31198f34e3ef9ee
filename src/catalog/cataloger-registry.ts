import { apkCataloger } from './apk/apk-cataloger.js';
import type { Cataloger, CatalogerTag } from './cataloger.js';
import { dpkgCataloger } from './dpkg/dpkg-cataloger.js';
import { npmInstalledCataloger } from './npm/npm-installed-cataloger.js';
import { npmPackageLockCataloger } from './npm/npm-package-lock-cataloger.js';
import { pnpmLockCataloger } from './npm/pnpm-lock-cataloger.js';
import { yarnLockCataloger } from './npm/yarn-lock-cataloger.js';
import {
  pdmLockCataloger,
  pipfileLockCataloger,
  pipRequirementsCataloger,
  poetryLockCataloger,
  uvLockCataloger,
} from './python/python-declared-catalogers.js';
import { bunLockCataloger } from './npm/bun-lock-cataloger.js';
import { pythonInstalledCataloger } from './python/python-installed-cataloger.js';
import { rpmCataloger } from './rpm/rpm-cataloger.js';
import { javaArchiveCataloger } from './java/java-archive-cataloger.js';
import { goBinaryCataloger } from './go/go-binary-cataloger.js';
import { goModCataloger } from './go/go-mod-cataloger.js';
import { cargoLockCataloger } from './rust/cargo-lock-cataloger.js';
import { rustAuditBinaryCataloger } from './rust/rust-audit-binary-cataloger.js';
import { gemspecCataloger } from './ruby/gemspec-cataloger.js';
import { gemfileLockCataloger } from './ruby/gemfile-lock-cataloger.js';
import { composerLockCataloger } from './php/composer-lock-cataloger.js';
import { composerInstalledCataloger } from './php/composer-installed-cataloger.js';
import { dotnetDepsCataloger } from './dotnet/dotnet-deps-cataloger.js';
import { nugetLockCataloger } from './dotnet/nuget-lock-cataloger.js';
import { csprojCataloger, packagesConfigCataloger } from './dotnet/msbuild-catalogers.js';
import { gradleLockfileCataloger } from './java/gradle-lockfile-cataloger.js';
import { pubspecLockCataloger } from './dart/pubspec-lock-cataloger.js';
import { mixLockCataloger } from './elixir/mix-lock-cataloger.js';
import { podfileLockCataloger, swiftPackageResolvedCataloger } from './swift/swift-catalogers.js';
import { conanLockCataloger } from './cpp/conan-lock-cataloger.js';

/**
 * Every cataloger vigil runs, listed explicitly (no side-effect registration): reading this list tells
 * a newcomer everything the inventory can find. OS catalogers come first so their file ownership is
 * known when language packages are marked OS-managed.
 */
export const CATALOGERS: readonly Cataloger[] = [
  // OS package databases first: their file ownership marks language packages OS-managed
  dpkgCataloger,
  rpmCataloger,
  apkCataloger,
  // language catalogers: after every OS cataloger
  npmInstalledCataloger,
  npmPackageLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  bunLockCataloger,
  pythonInstalledCataloger,
  poetryLockCataloger,
  pipfileLockCataloger,
  pipRequirementsCataloger,
  uvLockCataloger,
  pdmLockCataloger,
  javaArchiveCataloger,
  gradleLockfileCataloger,
  goBinaryCataloger,
  goModCataloger,
  cargoLockCataloger,
  rustAuditBinaryCataloger,
  gemspecCataloger,
  gemfileLockCataloger,
  composerLockCataloger,
  composerInstalledCataloger,
  dotnetDepsCataloger,
  nugetLockCataloger,
  csprojCataloger,
  packagesConfigCataloger,
  pubspecLockCataloger,
  mixLockCataloger,
  podfileLockCataloger,
  swiftPackageResolvedCataloger,
  conanLockCataloger,
];

export function catalogersTagged(...tags: CatalogerTag[]): Cataloger[] {
  return CATALOGERS.filter((c) => tags.every((t) => c.tags.includes(t)));
}

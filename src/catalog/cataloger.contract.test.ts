import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { goFixtureBinary } from '../../test/binary-inventory/go-fixture.js';
import { auditableBinary } from '../../test/binary-inventory/rust-fixture.js';
import { sharedData } from '../../test/fixtures/shared-data.js';
import { catalogerContract, type CatalogerSample } from './cataloger.contract.js';
import { CATALOGERS } from './cataloger-registry.js';

const here = (...p: string[]): string => join(import.meta.dirname, ...p);

/** A fresh root with `files` (in-root path → source file, or bytes) copied in. */
function rootWith(files: Record<string, string | Buffer>): string {
  const root = mkdtempSync(join(tmpdir(), 'vigil-contract-'));
  for (const [path, from] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    if (typeof from === 'string') copyFileSync(from, join(root, path));
    else writeFileSync(join(root, path), from);
  }
  return root;
}

const te = new TextEncoder();
function jar(): Buffer {
  return Buffer.from(
    zipSync({
      'META-INF/MANIFEST.MF': te.encode('Manifest-Version: 1.0\r\nImplementation-Version: 3.12.0\r\n\r\n'),
      'META-INF/maven/org.apache.commons/commons-lang3/pom.properties': te.encode(
        'groupId=org.apache.commons\nartifactId=commons-lang3\nversion=3.12.0\n',
      ),
    }),
  );
}

/**
 * One sample root per registered cataloger. A cataloger added to the registry without a sample fails
 * here, so every cataloger runs through the contract.
 */
const SAMPLES: Record<string, CatalogerSample> = {
  'dpkg-db': { root: () => here('dpkg/testdata/distroless'), minPackages: 4, garbageIsUnknown: true },
  'rpm-db': {
    root: () => rootWith({ 'var/lib/rpm/rpmdb.sqlite': sharedData('rpmdb/cbl-mariner-2.0/rpmdb.sqlite') }),
    minPackages: 10,
    garbageIsUnknown: true,
  },
  'apk-db': { root: () => here('apk/testdata/alpine-3.19'), minPackages: 5, garbageIsUnknown: true },
  'npm-installed': {
    root: () => here('npm/testdata/installed'),
    minPackages: 5,
    garbageIsUnknown: true,
    unknowns: 1, // node_modules/broken/package.json
  },
  'npm-package-lock': {
    root: () => here('npm/testdata/lock-workspaces'),
    minPackages: 2,
    garbageIsUnknown: true,
  },
  'yarn-lock': { root: () => here('npm/testdata/yarn1-alias'), minPackages: 1, garbageIsUnknown: true },
  'pnpm-lock': { root: () => here('npm/testdata/pnpm-v9-tarball'), minPackages: 1, garbageIsUnknown: true },
  'bun-lock': { root: () => here('npm/testdata/bun'), minPackages: 5, garbageIsUnknown: true },
  'uv-lock': { root: () => here('python/testdata/uv'), minPackages: 10, garbageIsUnknown: true },
  'pdm-lock': { root: () => here('python/testdata/pdm'), minPackages: 10, garbageIsUnknown: true },
  'python-installed': {
    root: () => here('python/testdata/site-root'),
    minPackages: 5,
    garbageIsUnknown: true,
    unknowns: 1, // no_version-0.0.dist-info: a Name and no Version
  },
  'poetry-lock': { root: () => here('python/testdata/poetry-2.1'), minPackages: 2, garbageIsUnknown: true },
  'pipfile-lock': { root: () => here('python/testdata/pipenv'), minPackages: 2, garbageIsUnknown: true },
  // A requirements file is free text: lines that are not exact pins are skipped, by design.
  'pip-requirements': {
    root: () => here('python/testdata/requirements'),
    minPackages: 2,
    garbageIsUnknown: false,
  },
  'java-archive': {
    root: () => rootWith({ 'opt/app/lib/commons-lang3-3.12.0.jar': jar() }),
    minPackages: 1,
    garbageIsUnknown: true,
  },
  // Any file in a program directory is a candidate: a non-ELF one is rightly silent.
  'go-binary': {
    root: async () => rootWith({ 'usr/bin/app': await goFixtureBinary() }),
    minPackages: 3,
    garbageIsUnknown: false,
  },
  'go-mod': { root: () => here('go/testdata/gomod'), minPackages: 2, garbageIsUnknown: false },
  'cargo-lock': {
    root: () => rootWith({ 'src/app/Cargo.lock': here('rust/testdata/Cargo.v3.lock') }),
    minPackages: 2,
    garbageIsUnknown: true,
  },
  'rust-audit-binary': {
    root: () => {
      const dir = mkdtempSync(join(tmpdir(), 'vigil-contract-rust-'));
      const audit = deflateSync(Buffer.from(JSON.stringify(RUST_AUDIT)));
      return rootWith({ 'usr/bin/tool': auditableBinary(dir, audit) });
    },
    minPackages: 1,
    garbageIsUnknown: false,
  },
  gemspec: {
    root: () =>
      rootWith({
        'var/lib/gems/3.1.0/specifications/x-1.0.gemspec': here('ruby/testdata/handwritten.gemspec'),
      }),
    minPackages: 1,
    garbageIsUnknown: false,
  },
  'gemfile-lock': {
    root: () => rootWith({ 'srv/app/Gemfile.lock': here('ruby/testdata/Gemfile.lock') }),
    minPackages: 2,
    garbageIsUnknown: false,
  },
  'composer-lock': {
    root: () => rootWith({ 'srv/app/composer.lock': here('php/testdata/composer.lock') }),
    minPackages: 2,
    garbageIsUnknown: true,
  },
  'composer-installed': {
    root: () =>
      rootWith({ 'srv/app/vendor/composer/installed.json': here('php/testdata/installed.v2.json') }),
    minPackages: 2,
    garbageIsUnknown: true,
  },
  'dotnet-deps': {
    root: () => rootWith({ 'app/WebApp.deps.json': here('dotnet/testdata/WebApp.deps.json') }),
    minPackages: 2,
    garbageIsUnknown: true,
  },
  'dotnet-project': {
    root: () => here('dotnet/testdata/central'),
    minPackages: 8,
    garbageIsUnknown: true,
    unknowns: 1, // Humanizer 2.*: floating, resolved only by a restore
  },
  'nuget-packages-config': {
    root: () => here('dotnet/testdata/classic'),
    minPackages: 3,
    garbageIsUnknown: true,
  },
  'gradle-lockfile': { root: () => here('java/testdata/gradle'), minPackages: 10, garbageIsUnknown: true },
  'pubspec-lock': { root: () => here('dart/testdata'), minPackages: 5, garbageIsUnknown: true },
  'mix-lock': {
    root: () => here('elixir/testdata'),
    minPackages: 4,
    garbageIsUnknown: true,
    unknowns: 1, // phoenix_live_view from git
  },
  'podfile-lock': { root: () => here('swift/testdata/pods'), minPackages: 5, garbageIsUnknown: true },
  'swift-package-resolved': {
    root: () => here('swift/testdata'),
    minPackages: 6,
    garbageIsUnknown: true,
    unknowns: 1, // swift-collections pinned to a branch
  },
  'conan-lock': { root: () => here('cpp/testdata'), minPackages: 6, garbageIsUnknown: true },
  'nuget-lock': {
    root: () => rootWith({ 'src/App/packages.lock.json': here('dotnet/testdata/packages.lock.json') }),
    minPackages: 2,
    garbageIsUnknown: true,
  },
};

const RUST_AUDIT = {
  packages: [
    { name: 'tool', version: '0.1.0', source: 'local', root: true, dependencies: [1] },
    { name: 'memchr', version: '2.7.4', source: 'crates.io' },
  ],
};

describe('cataloger registry', () => {
  it('names every cataloger once, and every one has a contract sample', () => {
    const names = CATALOGERS.map((c) => c.name);
    expect(new Set(names).size).toBe(names.length);
    expect(Object.keys(SAMPLES).sort()).toEqual([...names].sort());
  });
});

for (const cataloger of CATALOGERS) {
  describe(`cataloger contract: ${cataloger.name}`, () => {
    const sample = SAMPLES[cataloger.name];
    if (!sample) {
      it('has a sample for the contract suite', () => {
        expect.fail(`no contract sample for cataloger ${cataloger.name}`);
      });
      return;
    }
    catalogerContract(cataloger, sample);
  });
}

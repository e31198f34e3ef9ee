import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../../src/catalog/catalog-runner.js';
import type { Cataloger } from '../../src/catalog/cataloger.js';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { npmInstalledCataloger } from '../../src/catalog/npm/npm-installed-cataloger.js';
import { npmPackageLockCataloger } from '../../src/catalog/npm/npm-package-lock-cataloger.js';
import { pnpmLockCataloger } from '../../src/catalog/npm/pnpm-lock-cataloger.js';
import { yarnLockCataloger } from '../../src/catalog/npm/yarn-lock-cataloger.js';
import type { Package } from '../../src/core/package.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { npmProject } from './npm-project.js';
import { npmLs, pnpmLs, yarnBerryInfo, yarnClassicList } from './tool-listings.js';

/**
 * Pinned direct dependencies that force nesting: debug@2 brings ms@2.0.0 under the top-level ms@2.1.3,
 * @babel/highlight's chalk@2 (with ansi-styles@3, color-convert@1) nests under the top-level chalk@4,
 * and the dev-only semver@7.5.4 nests lru-cache@6 under the top-level lru-cache@10. react-dom's peer
 * dependency on react puts peer suffixes in pnpm's keys; string-width-cjs is an npm alias.
 */
const PROJECT = {
  name: 'vigil-npm-fixture',
  version: '1.0.0',
  private: true,
  dependencies: {
    '@babel/code-frame': '7.22.13',
    chalk: '4.1.2',
    debug: '2.6.9',
    express: '4.18.2',
    'lru-cache': '10.0.1',
    ms: '2.1.3',
    react: '18.2.0',
    'react-dom': '18.2.0',
    'string-width-cjs': 'npm:string-width@4.2.3',
  },
  devDependencies: { semver: '7.5.4' },
};

let project: string;
beforeAll(async () => {
  project = await npmProject(PROJECT);
}, 900_000);

async function scan(dir: string, cataloger: Cataloger): Promise<Package[]> {
  const result = await runCatalogers(new DirectoryResolver(join(project, dir)), [cataloger]);
  expect(result.unknowns).toEqual([]);
  return result.packages;
}

const ids = (pkgs: Package[]): Set<string> => new Set(pkgs.map((p) => `${p.name}@${p.version}`));
const devIds = (pkgs: Package[]): Set<string> =>
  new Set(pkgs.filter((p) => p.metadata?.['dev'] === 'true').map((p) => `${p.name}@${p.version}`));

describe('npm tree installed by npm install', () => {
  it('equals npm ls --all, path by path, nested duplicates included', async () => {
    const oracle = npmLs(join(project, 'npm', 'npm-ls.json'));
    const pkgs = await scan('npm', npmInstalledCataloger);
    const got = new Set(
      pkgs.map((p) => `${p.name}@${p.version}@${p.filePath.replace(/\/package\.json$/, '')}`),
    );
    expect(got).toEqual(oracle.installed);
    expect(pkgs.length).toBe(oracle.installed.size);
    // The fixture really nests: two versions of ms, chalk and lru-cache are on disk.
    for (const n of ['ms', 'chalk', 'lru-cache'])
      expect(new Set(pkgs.filter((p) => p.name === n).map((p) => p.version)).size).toBe(2);
    const scoped = pkgs.find((p) => p.name === '@babel/code-frame');
    expect(scoped?.purl).toBe('pkg:npm/%40babel/code-frame@7.22.13');
  });

  it.each(['npm', 'lock-v1', 'lock-v2'])(
    'package-lock.json in %s equals npm ls, dev flags included',
    async (dir) => {
      const oracle = npmLs(join(project, 'npm', 'npm-ls.json'));
      const pkgs = await scan(dir, npmPackageLockCataloger);
      expect(pkgs.every((p) => p.scope === 'declared' && p.filePath === '/package-lock.json')).toBe(true);
      expect(ids(pkgs)).toEqual(oracle.packages);
      expect(devIds(pkgs)).toEqual(oracle.devOnly);
      expect(oracle.devOnly.has('semver@7.5.4')).toBe(true);
    },
  );
});

describe('yarn.lock', () => {
  it('classic (v1) equals yarn list, dev flags as npm ls sees them', async () => {
    const pkgs = await scan('yarn1', yarnLockCataloger);
    const aliases = { 'string-width-cjs': 'string-width' };
    expect(ids(pkgs)).toEqual(yarnClassicList(join(project, 'yarn1', 'yarn-list.json'), aliases));
    expect(ids(pkgs)).toContain('string-width@4.2.3');
    expect(devIds(pkgs)).toEqual(npmLs(join(project, 'npm', 'npm-ls.json')).devOnly);
  });

  it('berry (v2+) equals yarn info --all --recursive', async () => {
    const pkgs = await scan('berry', yarnLockCataloger);
    expect(ids(pkgs)).toEqual(yarnBerryInfo(join(project, 'berry', 'yarn-info.json')));
    expect(devIds(pkgs)).toEqual(npmLs(join(project, 'npm', 'npm-ls.json')).devOnly);
  });
});

describe('pnpm', () => {
  it.each([7, 8, 9])('pnpm %i lockfile equals pnpm list, dev flags included', async (major) => {
    const oracle = pnpmLs(join(project, `pnpm${major}`, 'pnpm-ls.json'));
    const all = await runCatalogers(new DirectoryResolver(join(project, `pnpm${major}`)), [
      pnpmLockCataloger,
    ]);
    const pkgs = all.packages.filter((p) => p.filePath === '/pnpm-lock.yaml');
    expect(ids(pkgs)).toEqual(oracle.packages);
    expect(devIds(pkgs)).toEqual(oracle.devOnly);
  });

  it("pnpm's .pnpm store layout, read as installed, equals pnpm list", async () => {
    const pkgs = await scan('pnpm9', npmInstalledCataloger);
    expect(ids(pkgs)).toEqual(pnpmLs(join(project, 'pnpm9', 'pnpm-ls.json')).packages);
  });
});

describe('registry', () => {
  it('lists the npm catalogers', () => {
    const names = CATALOGERS.map((c) => c.name);
    for (const n of ['npm-installed', 'npm-package-lock', 'yarn-lock', 'pnpm-lock'])
      expect(names).toContain(n);
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Package } from '../../core/package.js';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import type { Cataloger } from '../cataloger.js';
import { runCatalogers } from '../catalog-runner.js';
import { npmPackageLockCataloger } from './npm-package-lock-cataloger.js';
import { pnpmLockCataloger } from './pnpm-lock-cataloger.js';
import { yarnLockCataloger } from './yarn-lock-cataloger.js';

/**
 * Shapes the real-tool end-to-end tests (test/language-inventory) do not produce: workspaces and links,
 * v1 aliases and file: deps, pnpm tarball deps and v5 peer suffixes, berry patches.
 */
async function scan(dir: string, cataloger: Cataloger): Promise<Package[]> {
  const result = await runCatalogers(new DirectoryResolver(join(import.meta.dirname, 'testdata', dir)), [
    cataloger,
  ]);
  expect(result.unknowns).toEqual([]);
  return result.packages;
}
const ids = (pkgs: Package[]): string[] => pkgs.map((p) => `${p.name}@${p.version}`).sort();
const dev = (pkgs: Package[]): string[] => ids(pkgs.filter((p) => p.metadata?.['dev'] === 'true'));

describe('npm lockfile edge shapes', () => {
  it('package-lock v3 with workspaces: links and workspace sources are not packages; aliases use the real name', async () => {
    const pkgs = await scan('lock-workspaces', npmPackageLockCataloger);
    expect(ids(pkgs)).toEqual(['fsevents@2.3.3', 'lodash@4.17.21', 'ms@2.0.0', 'string-width@4.2.3']);
    expect(dev(pkgs)).toEqual(['lodash@4.17.21']);
    expect(pkgs.find((p) => p.name === 'ms')?.metadata?.['path']).toBe('packages/a/node_modules/ms');
    expect(pkgs.find((p) => p.name === 'fsevents')?.metadata?.['optional']).toBe('true');
  });

  it('package-lock v1: nested dependencies, npm: aliases, file: deps left out', async () => {
    const pkgs = await scan('lock-v1-alias', npmPackageLockCataloger);
    expect(ids(pkgs)).toEqual([
      '@babel/code-frame@7.22.13',
      'chalk@2.4.2',
      'string-width@4.2.3',
      'supports-color@5.5.0',
      'supports-color@7.2.0',
    ]);
    expect(dev(pkgs)).toEqual(['chalk@2.4.2', 'supports-color@5.5.0']);
    expect(pkgs.find((p) => p.version === '5.5.0')?.metadata?.['path']).toBe(
      'node_modules/chalk/node_modules/supports-color',
    );
  });

  it('pnpm v9: tarball deps by their own name and version, workspace links skipped, dev from importers', async () => {
    const pkgs = await scan('pnpm-v9-tarball', pnpmLockCataloger);
    expect(ids(pkgs)).toEqual([
      '@foo/bar@1.2.3',
      'js-tokens@4.0.0',
      'loose-envify@1.4.0',
      'react-dom@18.2.0',
      'react@18.2.0',
      'scheduler@0.23.0',
      'typescript@5.3.3',
    ]);
    // react is a devDependency of the root but react-dom (production) needs it: not dev-only.
    expect(dev(pkgs)).toEqual(['typescript@5.3.3']);
  });

  it('pnpm v5.4: scoped keys with peer suffixes, dev flags', async () => {
    const pkgs = await scan('pnpm-v5-peers', pnpmLockCataloger);
    expect(ids(pkgs)).toEqual(['@emotion/react@11.11.1', 'react@18.2.0', 'typescript@4.9.5']);
    expect(dev(pkgs)).toEqual(['typescript@4.9.5']);
  });

  it('yarn berry: workspace entries skipped, a patched package counted once, dev from package.json', async () => {
    const pkgs = await scan('berry-patch', yarnLockCataloger);
    expect(ids(pkgs)).toEqual(['is-core-module@2.13.1', 'resolve@1.22.8', 'typescript@5.3.3']);
    expect(dev(pkgs)).toEqual(['typescript@5.3.3']);
  });

  it('yarn classic: an aliased entry is its real package; a dev root reached from production is not dev', async () => {
    const pkgs = await scan('yarn1-alias', yarnLockCataloger);
    expect(ids(pkgs)).toEqual(['ansi-regex@5.0.1', 'string-width@4.2.3', 'strip-ansi@6.0.1']);
    expect(dev(pkgs)).toEqual([]);
  });
});

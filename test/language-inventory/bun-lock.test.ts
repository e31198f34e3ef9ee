import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../../src/catalog/catalog-runner.js';
import { bunLockCataloger } from '../../src/catalog/npm/bun-lock-cataloger.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { bunProject, installedTree } from './bun-project.js';
import { difference } from './tool-listings.js';

/** Nested duplicates (debug → ms 2.0.0), an alias, a scoped package, dev, optional and a known-vulnerable lodash. */
const PACKAGE_JSON = {
  name: 'bun-app',
  version: '1.0.0',
  dependencies: {
    lodash: '4.17.15',
    ms: '^2.1.3',
    debug: '2.6.9',
    left: 'npm:left-pad@1.3.0',
    '@types/node': '20.11.30',
  },
  devDependencies: { chalk: '^4.1.2' },
  optionalDependencies: { 'is-number': '^7.0.0' },
};

let dir: string;
beforeAll(async () => {
  dir = await bunProject(PACKAGE_JSON);
}, 600_000);

describe('bun.lock against `bun install --frozen-lockfile`', () => {
  it('is the text format Bun ≥ 1.2 writes', () => {
    expect(readFileSync(join(dir, 'lock/bun.lock'), 'utf8')).toMatch(/^\{\s*"lockfileVersion": 1,/);
  });

  it('lists exactly the packages Bun installs from it; dev-only = what --production leaves out', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(dir, 'lock')), [bunLockCataloger]);
    expect(r.unknowns).toEqual([]);
    const ids = (dev?: boolean): string[] =>
      r.packages
        .filter((p) => dev === undefined || (p.metadata?.['dev'] === 'true') === dev)
        .map((p) => `${p.name}@${p.version}`)
        .sort();
    const full = installedTree(join(dir, 'full'));
    const prod = installedTree(join(dir, 'prod'));
    expect(ids()).toEqual([...full].sort());
    expect(ids(true)).toEqual([...difference(full, prod)].sort());
    expect(ids()).toEqual(
      expect.arrayContaining(['ms@2.0.0', 'ms@2.1.3', 'left-pad@1.3.0', 'lodash@4.17.15']),
    );
    expect(ids(true)).toContain('chalk@4.1.2');
    expect(ids(true).length).toBeGreaterThan(1);
  });
});

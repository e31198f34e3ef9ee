import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { runCatalogers } from '../../src/catalog/catalog-runner.js';
import { CATALOGERS } from '../../src/catalog/cataloger-registry.js';
import { normalizePythonName } from '../../src/core/pep503-name.js';
import { pythonInstalledCataloger } from '../../src/catalog/python/python-installed-cataloger.js';
import type { Package } from '../../src/core/package.js';
import { DirectoryResolver } from '../../src/source/directory/directory-resolver.js';
import { aptRootfs } from './apt-rootfs.js';
import { dpkgOwner } from './dpkg-owner.js';

const run = promisify(execFile);

/** What Python itself sees inside the chroot: every distribution importlib.metadata finds on sys.path. */
const IMPORTLIB = `
import importlib.metadata as m, json
print(json.dumps(sorted({(d.metadata['Name'], d.version, str(d._path)) for d in m.distributions()})))
`;

let root: string;
let oracle: [string, string, string][];
beforeAll(async () => {
  // egg-info directories (requests, setuptools, python_apt) and wheel dist-info (PyYAML, chardet).
  root = await aptRootfs(['python3-apt', 'python3-requests', 'python3-setuptools', 'python3-yaml']);
  const { stdout } = await run('chroot', [root, '/usr/bin/python3', '-c', IMPORTLIB]);
  oracle = JSON.parse(stdout) as [string, string, string][];
}, 900_000);

const ids = (pkgs: Package[]): string[] => [...new Set(pkgs.map((p) => `${p.name}@${p.version}`))].sort();

describe('Python packages installed by apt-get in a bookworm chroot', () => {
  it('equal importlib.metadata.distributions() inside the chroot', async () => {
    const result = await runCatalogers(new DirectoryResolver(root), [pythonInstalledCataloger]);
    expect(result.unknowns).toEqual([]);
    const expected = [...new Set(oracle.map(([n, v]) => `${normalizePythonName(n)}@${v}`))].sort();
    expect(ids(result.packages)).toEqual(expected);
    expect(result.packages).toHaveLength(expected.length);
    // Each found where Python found it: the metadata file inside the distribution's directory.
    const dirs = result.packages.map((p) => p.filePath.replace(/\/(METADATA|PKG-INFO)$/, '')).sort();
    expect(dirs).toEqual(oracle.map(([, , p]) => p).sort());
    // Both layouts Debian ships are present (the egg-info *file* form is covered by unit tests).
    const paths = result.packages.map((p) => p.filePath);
    expect(paths.some((p) => p.endsWith('.dist-info/METADATA'))).toBe(true);
    expect(paths.some((p) => p.endsWith('.egg-info/PKG-INFO'))).toBe(true);
    expect(ids(result.packages)).toEqual(expect.arrayContaining(['pyyaml@6.0', 'requests@2.28.1']));
  });

  it('are marked OS-managed by the owning deb and its source, with the full cataloger list', async () => {
    expect(CATALOGERS.map((c) => c.name)).toContain('dpkg-db');
    const result = await runCatalogers(new DirectoryResolver(root), CATALOGERS);
    const python = result.packages.filter((p) => p.ecosystem === 'pypi');
    expect(python.length).toBe(new Set(oracle.map(([n, v]) => `${n}@${v}`)).size);
    for (const p of python) {
      const owner = await dpkgOwner(root, p.filePath);
      expect({ path: p.filePath, owner: p.osManagedBy }).toEqual({
        path: p.filePath,
        owner: expect.objectContaining(owner) as unknown,
      });
    }
    const yaml = python.find((p) => p.name === 'pyyaml');
    expect(yaml?.osManagedBy).toMatchObject({ ecosystem: 'deb', name: 'python3-yaml', sourceName: 'pyyaml' });
  });
});

import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { parseInstalledDistribution } from './core-metadata-parser.js';
import { normalizePythonName } from '../../core/pep503-name.js';
import { pythonInstalledCataloger } from './python-installed-cataloger.js';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, 'testdata', 'site-root');
/** The path entries Python would have: the site dirs, and the egg an easy-install.pth would add. */
const PATH_ENTRIES = [
  'usr/local/lib/python3.11/site-packages',
  'usr/local/lib/python3.11/site-packages/setuptools-68.0.0-py3.11.egg',
  'usr/lib/python3/dist-packages',
  'srv/app/.venv/lib/python3.12/site-packages',
];
const IMPORTLIB = `
import importlib.metadata as m, json, sys
print(json.dumps([[d.metadata['Name'], d.version] for d in m.distributions(path=sys.argv[1:])]))
`;

describe('python-installed', () => {
  it('finds what importlib.metadata finds on the same path entries; one without a version is an unknown', async () => {
    const { stdout } = await run('/usr/bin/python3', [
      '-c',
      IMPORTLIB,
      ...PATH_ENTRIES.map((p) => join(ROOT, p)),
    ]);
    const found = JSON.parse(stdout) as [string, string | null][];
    const oracle = found
      .filter(([, v]) => v !== null)
      .map(([n, v]) => `${normalizePythonName(n)}@${v}`)
      .sort();
    const result = await runCatalogers(new DirectoryResolver(ROOT), [pythonInstalledCataloger]);
    expect(result.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(oracle);
    expect(oracle).toEqual([
      'django@4.2.7',
      'foo-bar@1.0',
      'pygments@2.6.1', // Pygments-2.6.1.DIST-INFO: importlib reads the suffix in any case
      'python-apt@2.6.0',
      'requests@2.22.0', // requests-2.22.0.EGG-INFO
      'ruamel-yaml@0.17.21',
      'setuptools@68.0.0',
    ]);
    // importlib lists no_version with version None: vigil cannot match it and says so.
    expect(found.filter(([, v]) => v === null).map(([n]) => n)).toEqual(['no_version']);
    expect(result.unknowns).toEqual([
      {
        path: '/srv/app/.venv/lib/python3.12/site-packages/no_version-0.0.dist-info/METADATA',
        reason: 'parse-error',
        detail: 'distribution no_version has no Version',
        foundBy: 'python-installed',
      },
    ]);
  });

  it('keeps the written name, the license expression, and the egg-info file as the path', async () => {
    const result = await runCatalogers(new DirectoryResolver(ROOT), [pythonInstalledCataloger]);
    const foo = result.packages.find((p) => p.name === 'foo-bar');
    expect(foo).toMatchObject({
      version: '1.0',
      purl: 'pkg:pypi/foo-bar@1.0',
      licenses: ['MIT OR Apache-2.0'],
      metadata: { name: 'Foo_Bar' },
      scope: 'installed',
    });
    const apt = result.packages.find((p) => p.name === 'python-apt');
    expect(apt?.filePath).toBe('/usr/lib/python3/dist-packages/python_apt-2.6.0.egg-info');
    expect(apt?.licenses).toEqual(['GNU GPL']);
    expect(result.packages.find((p) => p.name === 'setuptools')?.licenses).toBeUndefined();
  });

  it('reads headers only: a Version line in the description is not the version', () => {
    const text = 'Name: x\nVersion: 1.0\n\nVersion: 9.9\n';
    expect(parseInstalledDistribution(text, '/m')).toMatchObject({ draft: { version: '1.0' } });
    expect(parseInstalledDistribution('Name: x\n', '/m')).toEqual({
      problem: 'distribution x has no Version',
    });
    expect(parseInstalledDistribution('Summary: x\n', '/m')).toEqual({});
    expect(() => parseInstalledDistribution('Name: x\0\0', '/m')).toThrow(/binary/);
  });

  it('normalizes names per PEP 503', () => {
    expect(normalizePythonName('Foo__Bar.-baz')).toBe('foo-bar-baz');
    expect(normalizePythonName('zope.interface')).toBe('zope-interface');
    expect(normalizePythonName('PyYAML')).toBe('pyyaml');
  });
});

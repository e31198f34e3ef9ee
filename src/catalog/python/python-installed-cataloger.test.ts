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
  it('finds what importlib.metadata finds on the same path entries (with a version)', async () => {
    const { stdout } = await run('/usr/bin/python3', [
      '-c',
      IMPORTLIB,
      ...PATH_ENTRIES.map((p) => join(ROOT, p)),
    ]);
    const oracle = (JSON.parse(stdout) as [string, string | null][])
      .filter(([, v]) => v !== null)
      .map(([n, v]) => `${normalizePythonName(n)}@${v}`)
      .sort();
    const result = await runCatalogers(new DirectoryResolver(ROOT), [pythonInstalledCataloger]);
    expect(result.unknowns).toEqual([]);
    expect(result.packages.map((p) => `${p.name}@${p.version}`).sort()).toEqual(oracle);
    expect(oracle).toEqual([
      'django@4.2.7',
      'foo-bar@1.0',
      'python-apt@2.6.0',
      'ruamel-yaml@0.17.21',
      'setuptools@68.0.0',
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
    expect(parseInstalledDistribution(text, '/m')?.version).toBe('1.0');
    expect(parseInstalledDistribution('Name: x\n', '/m')).toBeUndefined();
    expect(() => parseInstalledDistribution('Name: x\0\0', '/m')).toThrow(/binary/);
  });

  it('normalizes names per PEP 503', () => {
    expect(normalizePythonName('Foo__Bar.-baz')).toBe('foo-bar-baz');
    expect(normalizePythonName('zope.interface')).toBe('zope-interface');
    expect(normalizePythonName('PyYAML')).toBe('pyyaml');
  });
});

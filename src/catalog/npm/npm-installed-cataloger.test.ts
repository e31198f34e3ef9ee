import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { npmInstalledCataloger } from './npm-installed-cataloger.js';

const ROOT = join(import.meta.dirname, 'testdata', 'installed');

describe('npm-installed', () => {
  it('reads package roots only, at any depth, plus Debian and global module dirs', async () => {
    const result = await runCatalogers(new DirectoryResolver(ROOT), [npmInstalledCataloger]);
    const got = result.packages.map((p) => `${p.name}@${p.version} ${p.filePath}`).sort();
    expect(got).toEqual([
      '@babel/core@7.20.15 /usr/share/nodejs/@babel/core/package.json',
      '@types/node@20.10.5 /app/node_modules/@types/node/package.json',
      'bom-prefixed@2.0.0 /app/node_modules/bom-prefixed/package.json',
      'bufferutil@4.0.7 /usr/lib/x86_64-linux-gnu/nodejs/bufferutil/package.json',
      'debug@4.3.4 /usr/share/nodejs/debug/package.json',
      'left-pad@1.3.0 /app/node_modules/left-pad/package.json',
      'npm@9.2.0 /usr/lib/node_modules/npm/package.json',
      'old-style@0.1.0 /app/node_modules/old-style/package.json',
      'undici-types@5.26.5 /app/node_modules/@types/node/node_modules/undici-types/package.json',
    ]);
    // Invalid JSON is recorded, never fatal; a package.json without a version is silently not a package.
    expect(result.unknowns).toEqual([
      expect.objectContaining({
        path: '/app/node_modules/broken/package.json',
        reason: 'parse-error',
        foundBy: 'npm-installed',
      }),
    ]);
  });

  it('keeps licenses in both the modern and the deprecated forms, and splits the scope into the purl', async () => {
    const result = await runCatalogers(new DirectoryResolver(ROOT), [npmInstalledCataloger]);
    const byName = new Map(result.packages.map((p) => [p.name, p]));
    expect(byName.get('left-pad')?.licenses).toEqual(['WTFPL']);
    expect(byName.get('old-style')?.licenses).toEqual(['MIT', 'GPL-2.0']);
    expect(byName.get('@types/node')?.purl).toBe('pkg:npm/%40types/node@20.10.5');
    expect(byName.get('left-pad')).toMatchObject({ scope: 'installed', ecosystem: 'npm' });
  });
});

import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { conanLockCataloger } from './conan-lock-cataloger.js';

const rows = async (dir: string): Promise<string[][]> => {
  const r = await runCatalogers(new DirectoryResolver(join(import.meta.dirname, 'testdata', dir)), [
    conanLockCataloger,
  ]);
  expect(r.unknowns).toEqual([]);
  return r.packages.map((p) => [p.purl, p.metadata?.['dev'] ?? '-', p.metadata?.['recipeRevision'] ?? '-']);
};

describe('conan.lock', () => {
  it('0.5 (Conan 2): requires; build_requires are dev unless also required', async () => {
    expect(await rows('v05')).toEqual([
      ['pkg:conan/zlib@1.2.13', '-', '97d5730b529b4224045fe7090592d4c1'],
      ['pkg:conan/openssl@3.0.12', '-', '1670458f93ec138c3bb6afc65a1cd667'],
      ['pkg:conan/libcurl@7.88.1', '-', '40a6d1a0a2a1b9c1f1c51f8c2e1d6c7f'],
      ['pkg:conan/cmake@3.27.7', 'true', '4e6e7c7e3b2a1d0f9e8d7c6b5a4f3e2d'],
    ]);
  });

  it('0.4 (Conan 1): graph nodes with a ref; the consumer node has none; build context is dev', async () => {
    expect(await rows('v04')).toEqual([
      ['pkg:conan/zlib@1.2.11', '-', '683857dbd5377d65f26795d4023858f9'],
      ['pkg:conan/openssl@1.1.1t', '-', '0a3a3bbcd1ba7d4a5e9a71a1b1f2c7d3'],
      ['pkg:conan/cmake@3.25.3', 'true', '3c6a1b5d2e4f6a7b8c9d0e1f2a3b4c5d'],
    ]);
  });
});

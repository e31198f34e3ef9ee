import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { pubspecLockCataloger } from './pubspec-lock-cataloger.js';

describe('pubspec.lock (a fixture of the format pub writes)', () => {
  it('hosted, git and path packages; SDK packages left out; direct dev flagged dev', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(import.meta.dirname, 'testdata')), [
      pubspecLockCataloger,
    ]);
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => [p.purl, p.metadata?.['source'], p.metadata?.['dev'] ?? '-'])).toEqual([
      ['pkg:pub/async@2.11.0', 'hosted', '-'],
      ['pkg:pub/http@0.13.4', 'hosted', '-'],
      ['pkg:pub/lints@2.1.1', 'hosted', 'true'],
      ['pkg:pub/my_widgets@1.0.0', 'path', '-'],
      ['pkg:pub/shelf@1.4.1', 'git', '-'],
    ]);
  });
});

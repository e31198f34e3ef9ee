import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DirectoryResolver } from '../../source/directory/directory-resolver.js';
import { runCatalogers } from '../catalog-runner.js';
import { swiftUrlName } from './package-resolved-parser.js';
import { podfileLockCataloger, swiftPackageResolvedCataloger } from './swift-catalogers.js';

const TESTDATA = join(import.meta.dirname, 'testdata');

describe('Package.resolved (formats 1, 2, 3) and Podfile.lock', () => {
  it.each(['v1', 'v2'])('%s: pins named by repository as SwiftURL names them', async (dir) => {
    const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, dir)), [
      swiftPackageResolvedCataloger,
    ]);
    expect(r.unknowns).toEqual([]);
    expect(r.packages.map((p) => p.purl)).toEqual([
      'pkg:swift/github.com/Alamofire/Alamofire@5.6.4',
      'pkg:swift/github.com/apple/swift-nio@2.32.0',
    ]);
  });

  it('v3: an ssh location is named the same way; a branch pin is an unknown', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'v3')), [
      swiftPackageResolvedCataloger,
    ]);
    expect(r.packages.map((p) => `${p.name}@${p.version}`)).toEqual([
      'github.com/apple/swift-nio@2.32.0',
      'github.com/apple/swift-log@1.5.4',
    ]);
    expect(r.unknowns.map((u) => u.detail)).toEqual([
      'github.com/apple/swift-collections: pinned to branch main, no version',
    ]);
    expect(swiftUrlName('ssh://git@github.com/o/r.git/')).toBe('github.com/o/r');
  });

  it('Podfile.lock: one package per pod and version, subspecs in metadata', async () => {
    const r = await runCatalogers(new DirectoryResolver(join(TESTDATA, 'pods')), [podfileLockCataloger]);
    expect(r.unknowns).toEqual([]);
    expect(
      r.packages.map((p) => [p.purl, p.metadata?.['subspecs'] ?? '-', p.metadata?.['externalSource'] ?? '-']),
    ).toEqual([
      ['pkg:cocoapods/Alamofire@5.6.4', '-', '-'],
      ['pkg:cocoapods/Firebase@10.3.0', 'Core,CoreOnly', '-'],
      ['pkg:cocoapods/FirebaseAnalytics@10.3.0', '-', '-'],
      ['pkg:cocoapods/FirebaseCore@10.3.0', '-', '-'],
      ['pkg:cocoapods/MyKit@0.1.0', '-', 'true'],
    ]);
  });
});
